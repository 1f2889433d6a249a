"""Same link, same numbers: every page's defaults and first preset, computed in two fresh processes at once,
show bit-identical charts, text and numbers (each process trains everything itself: no shared cache). One process
draws a live frame after every chunk of training steps, the other none: what a page shows must not depend on how
many frames a run drew (a frame that drew random numbers from the training's own generator once made the
overfitting page's dropout and augmentation results differ from one machine's load to another's)."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import PAGES, ROOT


def test_two_fresh_processes_show_identical_pages():
    cmd = [sys.executable, str(ROOT / "tests" / "snapshot_pages.py")]
    procs = [subprocess.Popen(cmd + [seconds], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for seconds in ("0.02", "1e9")]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=900)
        assert p.returncode == 0, err[-3000:]
        outs.append(json.loads(out.strip().splitlines()[-1]))
    a, b = outs
    assert set(a) == set(PAGES)
    assert not any(v[2] for v in a.values()), [k for k, v in a.items() if v[2]]
    differ = {page: [f"{view} {k}" for view, x, y in (("defaults", a[page][0], b[page][0]),
                                                      ("preset", a[page][1] or {}, b[page][1] or {}))
                     for k in sorted(set(x) | set(y)) if x.get(k) != y.get(k)]
              for page in PAGES if a[page][:2] != b[page][:2]}
    assert not differ, f"these pages showed different results in two processes (which elements): {differ}"
