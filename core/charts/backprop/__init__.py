"""Charts of the backpropagation page, one module per part: result in, Altair chart (or a table) out; every word
from core/locales/<lang>/backprop.charts.toml."""
from core.charts.backprop.cost import METHOD_COLOURS, count_chart, time_chart
from core.charts.backprop.graph import CURRENT_COLOUR, EDGE_COLOURS, NODE_COLOURS, graph_chart
from core.charts.backprop.tables import grads_table, step_lines
from core.charts.backprop.vanishing import KIND_COLOURS, QUARTER_COLOUR, layers_chart, slope_chart

__all__ = [k for k in dir() if not k.startswith("_")]
