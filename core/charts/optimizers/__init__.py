"""Charts of the optimizer race page: results in, Altair charts out (no compute, no streamlit); the leaderboard
as shown (``board``), the notices worded from core's facts (``notice``), the page's other sentences that depend
on a result (``words``) and why warm-up's charts and notice (``warmup``).

Every word from core/locales/<lang>/optimizers(.charts).toml; builders take ``lang`` last."""
from core.charts.optimizers.adam import ADAM_COLOURS, adam_chart
from core.charts.optimizers.board import board_table
from core.charts.optimizers.inside import eff_lr_chart, inside_chart, real_chart, schedule_chart
from core.charts.optimizers.notice import (adam_notice, ends_notice, inside_notice, race_notice, real_notice,
                                           taming_notice)
from core.charts.optimizers.race import ends_chart, loss_chart, race_map, share_chart
from core.charts.optimizers.style import (ARROW_COLOURS, BACKGROUNDS, DASHES, ENDS_COLOURS, GAP_FLOOR, MINIMUM_COLOUR,
                                          PARAM_COLOURS, RACER_COLOURS, RACER_STYLES, SCHEDULE_COLOURS, START_COLOUR,
                                          racer_label, racer_legend, racer_scales, racer_styles, schedule_label, surface_label)
from core.charts.optimizers.warmup import (WARMUP_COLOURS, run_label, warmup_acc_chart, warmup_dead_chart,
                                           warmup_eta_chart, warmup_legend, warmup_loss_chart, warmup_notice)
from core.charts.optimizers.words import (adam_text, batch_label, inside_metrics, inside_missing, lr_label,
                                          no_ends)

__all__ = [n for n in dir() if not n.startswith("_")]
