"""The code's layout, one line per file: its path, lines, and the first sentence of its docstring (or first
comment). python scripts/tree.py [folder ...] (default: core pages course.py app.py)."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def first_sentence(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    try:
        doc = ast.get_docstring(ast.parse(text)) or ""
    except SyntaxError:
        doc = ""
    if not doc:
        doc = next((ln.lstrip("# ").strip() for ln in text.splitlines() if ln.startswith("#")), "")
    doc = " ".join(doc.split())
    end = doc.find(". ")
    return doc if end < 0 else doc[:end + 1]


def main(args: list[str]) -> None:
    for top in args or ["app.py", "course.py", "core", "pages"]:
        p = ROOT / top
        for f in sorted([p] if p.is_file() else p.rglob("*.py")):
            if "__pycache__" in f.parts:
                continue
            n = sum(1 for _ in f.open(encoding="utf-8"))
            print(f"{str(f.relative_to(ROOT)):44} {n:4}  {first_sentence(f)[:150]}")


if __name__ == "__main__":
    main(sys.argv[1:])
