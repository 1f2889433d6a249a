"""The leaderboard as the page shows it: translated headers, formatted cells, one column per thing that happened."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.charts.optimizers.style import racer_label

WIDTHS = {"rank": 40, "optimizer": 165, "η": 56, "steps": 118, "final": 86, "diverged": 90, "share": 110}  # px


def _whole(v, none: str) -> str:
    return none if v is None or pd.isna(v) else f"{int(v)}"


def board_table(board: pd.DataFrame, diverged: bool, starts: bool, lang: str = "en") -> tuple[pd.DataFrame, dict]:
    """(table, {header: width in px}) of a board from ``leaderboard``: "diverged at" only when a racer diverged,
    the share of starts at the minimum only when there were random starts (its header: ``board.share``)."""
    tr = i18n.translator(lang)
    col = {c: "η" if c == "η" else tr(f"optimizers.board.{c}") for c in WIDTHS}  # in the order shown
    nr, no = tr("optimizers.board.not_reached"), tr("optimizers.board.no")
    table = pd.DataFrame({
        col["rank"]: board["rank"], col["optimizer"]: board.optimizer.map(lambda n: racer_label(n, lang)),
        col["η"]: board["η"].map("{:g}".format), col["steps"]: [_whole(v, nr) for v in board["steps to target"]],
        col["final"]: [no if v is None or pd.isna(v) else f"{v:.2e}" for v in board["final loss"]],
        col["diverged"]: [_whole(v, no) for v in board["diverged at"]],
        col["share"]: board["share of starts at the minimum"]})
    drop = ({"diverged"} if not diverged else set()) | ({"share"} if not starts else set())
    shown = [k for k in col if k not in drop]
    return table[[col[k] for k in shown]], {col[k]: WIDTHS[k] for k in shown}
