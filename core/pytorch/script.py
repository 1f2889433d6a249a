"""A take-home script, generically: fill a template with settings, cut it into its sections, run it as a
separate process and read the numbers it printed. Nothing here knows about PyTorch basics (the page's own
template is core/pytorch/template.py), so any page can later give its experiment as a script this way.

    text = fill(TEMPLATE, {"lr": 0.05, ...})        # string.Template: $name placeholders, no brace escaping
    for s in sections(text): s.title, s.text         # cut at "# %%" markers (VS Code / Jupyter cells)
    out = run_text(text, "demo.py")                  # python demo.py in a temporary folder, CPU, one thread
    printed(out.stdout, "val")                       # [0.81, 0.62, ...]: each number printed after "val"
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


_NUMBER = r"([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)|True|False)"


def printed(stdout: str, key: str) -> list[float]:
    """Every number printed right after the word ``key`` (``key 0.25``), in order; True/False as 1/0."""
    out = []
    for m in re.finditer(rf"(?<![\w.]){re.escape(key)}\s+{_NUMBER}", stdout):
        v = m.group(1)
        out.append(1.0 if v == "True" else 0.0 if v == "False" else float(v))
    return out
