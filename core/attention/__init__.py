"""Self-attention, from one query's weights to a tiny transformer learning a pattern, and an RNN beside it.

One idea per module; everything a page needs is re-exported here (``from core import attention as att``):

- ``layer``: scores, softmax or ReLU weights, heads, sinusoidal positions, masks and their cost;
- ``tokens``: a typed sentence as tokens (one per Chinese character), capped, never evaluated;
- ``calculator``: one sentence through one multi-head layer, every step kept, and the shuffle test;
- ``conv``: a 1-D convolution is window attention with weights fixed per offset;
- ``model`` and ``transformer``: tiny transformers (with and without positions, many seeds) trained batched;
- ``rnn``: an ``nn.GRU`` on the same task: sequential steps and accuracy against distance.
"""
from core.attention.calculator import (D_CHOICES, HEAD_CHOICES, WINDOWS, CalcConfig, CalcResult, calculate,
                                       embed_words)
from core.attention.conv import (ConvCompare, attention_with_offset_scores, compare_conv, conv_compare,
                                 offset_kernel)
from core.attention.layer import (ACTIVATIONS, COST_KINDS, COST_NS, MASKS, attention, causal_mask, cost, cost_table,
                                  graph_adjacency, make_mask, merge_heads, multi_head, sinusoidal, split_heads,
                                  weights_of, window_mask)
from core.attention.model import BatchedTransformer
from core.attention.rnn import (CELLS, SERIES, RnnConfig, RnnResult, distance_frame, rnn_config_for, steps_frame,
                                train_rnn)
from core.attention.tokens import (MAX_CHARS, MAX_TOKEN_CHARS, MAX_TOKENS, NoWordError, positions_of,
                                   repeated_token, tokenize)
from core.attention.transformer import (BATCH, EVAL_EVERY, EVAL_SEQUENCES, HEADS, LAYERS, LRS, MODEL_NAMES,
                                        PE_KINDS, STEPS, TASKS, TrainConfig, TrainResult, history_csv, task_batch,
                                        train_seeds, train_tiny, weights_safetensors)

__all__ = [k for k in dir() if not k.startswith("_")]
