"""Charts of the self-attention page: result in, Altair chart out; every word from the ``attention.charts``
catalogue. ``heat``: the heatmap every matrix is drawn with; ``calculator``: one sentence through one layer
(parts steps, heads, position); ``masks``: the cost of a mask and a convolution beside window attention
(parts masks, cnn); ``train``: the tiny transformer and the RNN beside it (parts train, rnn);
``versus``: self-attention for images against a CNN, and sequential against parallel (parts images, parallel);
``words``: the page's sentences that depend on a result."""
from core.charts.attention.calculator import (FOLLOWED_COLOUR, QUERY_STEP_COLOURS, followed, matrices, query_steps,
                                              scores, shuffled, weighted_sum)
from core.charts.attention.heat import height, wrap
from core.charts.attention.masks import COST_COLOURS, cost_chart, mixing
from core.charts.attention.train import (MODEL_COLOURS, SERIES_COLOURS, accuracy_chart, distance_chart, map_grid,
                                         steps_chart, train_map)
from core.charts.attention.versus import (KIND_COLOURS, MODEL_COLOURS_PAR, images_words, parallel_words,
                                          patch_weights, patches_chart, reversal_chart, size_chart, timing_chart)
from core.charts.attention.words import (CalcWords, calc_words, mask_caption, masks_notice, position_differ, rnn_words,
                                         same_caption, scale_text, train_intro, train_metrics, train_words)

__all__ = [k for k in dir() if not k.startswith("_")]
