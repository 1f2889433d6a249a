"""Charts of the spatial transformer page, one module per part (``race``: the accuracy curves and the replay;
``warp``; ``weakness``; ``learned``) and ``images`` (the colours, pixel rects, the sampling grid drawn).

Every word from core/locales/<lang>/spatial.charts.toml; builders take ``lang`` last."""
from core.charts.spatial.images import ANSWER_COLOURS, FIT_COLOUR, GRID_COLOUR, RACER_COLOURS
from core.charts.spatial.learned import POINT_COLOUR, angle_chart, size_chart
from core.charts.spatial.race import curve_chart, replay_chart
from core.charts.spatial.warp import warp_chart
from core.charts.spatial.weakness import curve_chart as along_chart, digit_chart, probs_chart

__all__ = [k for k in dir() if not k.startswith("_")]
