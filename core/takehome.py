"""Take it home: a page's experiment as a self-contained PyTorch script and a Jupyter notebook.

A topic writes its script as a ``string.Template`` (``core/<stem>/takehome.py``: ``script(cfg, lang)``) in the
lecture's order, one ``# %%`` section per step (data, model, loss, optimiser, loop, evaluation); everything
else is here and knows nothing about any page:

    text = fill(TEMPLATE, {"lr": 0.05, ...})        # string.Template: $name placeholders, no brace escaping
    for s in sections(text): s.title, s.text         # cut at "# %%" markers (VS Code / Jupyter cells)
    nb = notebook(text, "zh")                        # .ipynb bytes: a markdown cell per title, a code cell per section
    words("regression", "zh", seed)                  # the comment fields: core/locales/<lang>/takehome.toml
    out = run_text(text, "demo.py")                  # python demo.py in a temporary folder, CPU, one thread
    outs = run_many({"a.py": a, "b.py": b})          # several scripts in one process (torch imported once)
    printed(out.stdout, "val")                       # [0.81, 0.62, ...]: each number printed after "val"

The notebook's code cells, joined by one blank line, are the script (``code_of`` gives them back; tests check).
"""
from __future__ import annotations

import os
import re
import string
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

MARKER = "# %%"  # a section starts at a line beginning with this (an editor's code cell)
TIMEOUT = 300.0  # seconds a script run may take before it counts as failed
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


SECTIONS = ("data", "model", "loss", "optimiser", "loop", "evaluation")  # the lecture's order, one "# %%" each


def words(topic: str, lang: str, seed: int) -> dict[str, str]:
    """The template fields a topic's script is commented with, in ``lang``: ``s_<section>`` (the section titles),
    ``c_<name>`` for every key of the ``[<topic>]`` and ``[common]`` tables of ``core/locales/<lang>/takehome.toml``
    (``c_settings`` names the seed)."""
    from core import i18n

    lang = i18n.normalise(lang)
    cat = i18n.catalogue(lang)
    out = {f"s_{s}": i18n.text(lang, f"takehome.section.{s}") for s in SECTIONS}
    for table in ("common", topic):
        pre = f"takehome.{table}."
        out.update({f"c_{k[len(pre):]}": v for k, v in cat.items() if k.startswith(pre)})
    out["c_settings"] = out["c_settings"].format(seed=seed)
    return out


def fill(template: str, fields: Mapping[str, object]) -> str:
    """``template`` with every ``$name`` replaced by ``str(fields[name])`` (a missing name raises KeyError)."""
    return string.Template(template).substitute({k: str(v) for k, v in fields.items()})


@dataclass(frozen=True)
class Section:
    title: str  # the marker line's words ("" for the lines before the first marker)
    first: int  # 1-based number of its first line in the whole text
    text: str  # its lines, the marker included, without the blank lines that end it

    @property
    def lines(self) -> int:
        return self.text.count("\n") + 1 if self.text else 0


def sections(text: str, marker: str = MARKER) -> list[Section]:
    """``text`` cut before every line that starts with ``marker``: the header first, then one per marker.
    The sections' texts joined by the blank lines between them give ``text`` back (tests check)."""
    lines = text.split("\n")
    starts = [0] + [i for i, line in enumerate(lines) if line.startswith(marker)]
    out = []
    for a, b in zip(starts, starts[1:] + [len(lines)]):
        chunk = lines[a:b]
        while chunk and not chunk[-1].strip():
            chunk.pop()
        title = lines[a][len(marker):].strip() if lines[a].startswith(marker) else ""
        out.append(Section(title, a + 1, "\n".join(chunk)))
    return out


def lines(text: str) -> int:
    """Lines of a script (its final newline ends the last line, it does not start another)."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def notebook(text: str, lang: str = "en") -> bytes:
    """The script as a Jupyter notebook (nbformat 4, validated): the header as the first code cell, then for
    each ``# %%`` section a markdown cell with its title and a code cell with its lines (marker included, so
    the code cells joined by blank lines are the script). ``lang`` is written into the metadata."""
    import nbformat
    from nbformat import v4

    cells = []
    for s in sections(text):
        if s.title:
            cells.append(v4.new_markdown_cell(f"## {s.title}"))
        if s.text:
            cells.append(v4.new_code_cell(s.text))
    nb = v4.new_notebook(cells=cells, metadata={"kernelspec": KERNEL, "language_info": {"name": "python"},
                                                "language": lang})
    for i, c in enumerate(nb.cells):  # stable ids: the same script gives the same bytes
        c["id"] = f"cell-{i}"
    nbformat.validate(nb)
    return nbformat.writes(nb).encode("utf-8")


def code_of(nb: bytes) -> str:
    """The code cells of a notebook joined by one blank line (with the script's final newline)."""
    import nbformat

    book = nbformat.reads(nb.decode("utf-8"), as_version=4)
    return "\n\n".join(c.source for c in book.cells if c.cell_type == "code") + "\n"


def run_file(path: str | Path, *, threads: int = 1, cpu_only: bool = True, timeout: float = TIMEOUT,
             cwd: str | Path | None = None, python: str = sys.executable) -> subprocess.CompletedProcess:
    """``python path`` as its own process: ``threads`` intra-op threads, no GPU when ``cpu_only``; output as text."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
           "PYTHONUNBUFFERED": "1", "PYTHONHASHSEED": "0"}
    if cpu_only:
        env["CUDA_VISIBLE_DEVICES"] = ""
    return subprocess.run([python, str(path)], cwd=str(cwd or Path(path).parent), env=env, capture_output=True,
                          text=True, timeout=timeout)


def run_text(text: str, file_name: str = "script.py", **kw) -> subprocess.CompletedProcess:
    """Write ``text`` to ``file_name`` in a fresh temporary folder and run it there (``run_file``'s options)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / file_name
        path.write_text(text, encoding="utf-8")
        return run_file(path, **kw)


SEPARATOR = "##### takehome:"  # run_many prints this and the file's name before each script's output


def run_many(texts: Mapping[str, str], **kw) -> dict[str, subprocess.CompletedProcess]:
    """Several scripts ({file name: text}) one after another in ONE separate process (each as ``__main__`` with
    its own globals, in a fresh temporary folder): the interpreter and torch start once, which is most of a small
    script's time. Each result has the stdout of its own script; returncode and stderr are the whole run's."""
    names = list(texts)
    driver = "import runpy, sys\n" + "".join(
        f"print({SEPARATOR + ' ' + n!r}, flush=True)\nrunpy.run_path({n!r}, run_name='__main__')\n" for n in names)
    with tempfile.TemporaryDirectory() as folder:
        for n in names:
            (Path(folder) / n).write_text(texts[n], encoding="utf-8")
        (Path(folder) / "_driver.py").write_text(driver, encoding="utf-8")
        out = run_file(Path(folder) / "_driver.py", **kw)
    parts = re.split(rf"^{re.escape(SEPARATOR)} (.+)$\n?", out.stdout, flags=re.M)
    got = dict(zip(parts[1::2], parts[2::2]))
    return {n: subprocess.CompletedProcess(out.args, out.returncode, got.get(n, ""), out.stderr) for n in names}


_NUMBER = r"([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)|True|False)"


def printed(stdout: str, key: str) -> list[float]:
    """Every number printed right after the word ``key`` (``key 0.25``), in order; True/False as 1/0."""
    out = []
    for m in re.finditer(rf"(?<![\w.]){re.escape(key)}\s+{_NUMBER}", stdout):
        v = m.group(1)
        out.append(1.0 if v == "True" else 0.0 if v == "False" else float(v))
    return out
