"""Charts of the convolution page: results in, Altair charts out (no compute, no streamlit), one module per
part (``filter``, ``pool``, ``field``, ``race``, ``draw``, ``depth``, ``go``, ``resize``), ``grid`` (the colours and
the heatmap rects) and ``words`` (the page's sentences that depend on a result, from the page's catalogue).

Every word from core/locales/<lang>/convolution.charts.toml; builders take ``lang`` last."""
from core.charts.convolution.depth import counts_chart, depth_chart
from core.charts.convolution.draw import probs_chart, shift_curve_chart
from core.charts.convolution.field import field_chart, share_chart
from core.charts.convolution.filter import image_chart, kernel_chart
from core.charts.convolution.go import go_chart, go_pooled_chart
from core.charts.convolution.grid import (DEPTH_COLOURS, FIELD_COLOURS, GO_COLOURS, IMAGE_RANGE, RESIZE_COLOURS,
                                          SHARE_COLOURS, SHIFT_COLOURS, SIGN_COLOURS, SIGNED, STONE_COLOURS, UNSIGNED,
                                          grid_frame, heat)
from core.charts.convolution.pool import board_chart, shift_chart
from core.charts.convolution.race import (MODEL_COLOURS, SPLIT_DASH, confusion_chart, curve_chart, filters_chart,
                                          maps_chart, tiles_chart)
from core.charts.convolution.resize import resize_image_chart, resize_probs_chart
from core.charts.convolution.words import (depth_notice, draw_notice, filter_notice, go_notice, pool_notice,
                                           race_notice, resize_notice)

__all__ = [k for k in dir() if not k.startswith("_")]
