"""Prints a digest of what every registered page shows at its defaults and at its first "Try this" preset, as
JSON ({page: [defaults, preset]}). Run as its own process by tests/test_reproducible.py: two fresh processes
must print the same digests (same link, same numbers, bit for bit).

``python snapshot_pages.py SECONDS``: live trainings report progress every SECONDS (0: after every chunk of
steps; a huge number: never). The two processes are run with the two extremes, so a result that depends on how
many live frames a run happened to draw (on the clock, on the load) shows as a difference every time."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import PAGES, open_page, snapshot  # noqa: E402


def main() -> None:
    from core import train

    if len(sys.argv) > 1:
        train.run.__kwdefaults__["progress_seconds"] = float(sys.argv[1])
    out = {}
    for page in PAGES:
        at = open_page(page)
        first = snapshot(at, detail=True)
        preset = next((b for b in at.button if (b.key or "").startswith("preset:") and b.key != "preset:reset"), None)
        second = None
        if preset is not None:
            preset.click().run()
            second = snapshot(at, detail=True)
        out[page] = [first, second, bool(at.exception)]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
