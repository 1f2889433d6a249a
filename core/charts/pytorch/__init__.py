"""Charts of the PyTorch-basics page: result in, Altair chart out; every word from
core/locales/<lang>/pytorch.charts.toml. ``words``: the page's sentences that depend on a result."""
from core.charts.pytorch.curves import (DIVERGED_COLOUR, LEAF_COLOURS, MEMORY_COLOURS, MODE_COLOURS, PRED_COLOURS,
                                        SPLIT_COLOURS, bug_chart, grad_chart, loss_chart, memory_chart, pred_chart,
                                        step_loss_chart)
from core.charts.pytorch.grids import BATCH_COLOURS, ORIGIN_COLOURS, batches_chart, cells, shape_text, tensor_chart
from core.charts.pytorch.words import (bug_caption, frame_said, grad_words, loader_notice, script_notice, section_steps,
                                       shape_notice)

GRAPH_COLOURS = {"leaf": "blue", "op": "green", "loss": "vermillion"}  # the autograd graph's nodes (graphviz)

__all__ = [k for k in dir() if not k.startswith("_")]
