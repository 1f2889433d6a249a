"""Self-attention, from one query's weights to a tiny transformer learning a pattern, and an RNN beside it.

One idea per module; everything a page needs is re-exported here (``from core import attention as att``):

- ``layer``: scores, softmax or ReLU weights, heads, sinusoidal positions, masks and their cost;
- ``tokens``: a typed sentence as tokens (one per Chinese character), capped, never evaluated;
- ``calculator``: one sentence through one multi-head layer, every step kept, and the shuffle test
  (parts steps, heads, position, masks);
- ``conv``: a 1-D convolution is window attention with weights fixed per offset (part cnn);
- ``model`` and ``transformer``: tiny transformers (with and without positions, many seeds) trained batched
  (part train);
- ``rnn``: an ``nn.GRU`` or ``nn.RNN`` on the same task: sequential steps and accuracy against distance (part rnn);
- ``images``: self-attention for images (digits as 4×4 patches) against a CNN, trained batched against the
  training-set size (part images);
- ``parallel``: an ``nn.RNN`` against one attention layer, timed live on growing lengths, and the input reversed
  (part parallel);
- ``takehome``: the training parts as take-home scripts (``train_script``, ``rnn_script``, ``images_script``);
- ``view``: the part of the page shown.

Each part's module holds the facts its sentences state, with their thresholds.
"""
from core.attention.calculator import (D_CHOICES, DIFFERS, HEAD_CHOICES, SAME, SCALE_CLAIM, SCALE_GAP, WINDOWS,
                                       CalcConfig, CalcResult, Followed, calculate, computed, embed_words, follow)
from core.attention.conv import (ConvCompare, attention_with_offset_scores, compare_conv, conv_compare,
                                 offset_kernel)
from core.attention.images import (CLAIM_SEEDS, FAR_AHEAD, KINDS, MEAN_SHRINK, MOST, BatchedCNN,
                                   BatchedPatchAttention, ImagesConfig, ImagesFacts, ImagesResult,
                                   facts as images_facts, n_parameters, seed_facts as images_seed_facts, sizes_of,
                                   train_images)
from core.attention.layer import (ACTIVATIONS, COST_KINDS, COST_NS, MASKS, attention, causal_mask, cost, cost_table,
                                  graph_adjacency, make_mask, merge_heads, multi_head, sinusoidal, split_heads,
                                  weights_of, window_mask)
from core.attention.model import BatchedTransformer
from core.attention.parallel import (DIFFERS as REVERSED_DIFFERS, EQUIVARIANT as REVERSED_SAME,
                                     MODELS as PARALLEL_MODELS, ParallelConfig,
                                     ParallelFacts, ParallelResult, facts as parallel_facts, growth, lengths_of,
                                     measure)
from core.attention.rnn import (ATTENTION_ALL, BACK, BACK_MOST, CELLS, FARTHEST_MOST, LAST_RIGHT, SERIES, RnnConfig,
                                RnnFacts, RnnResult, claim_holds as rnn_claim_holds, distance_frame,
                                facts as rnn_facts, rnn_config_for, steps_frame, train_rnn)
from core.attention.takehome import IMAGES_FILE, RNN_FILE, TRAIN_FILE, images_script, rnn_script, train_script
from core.attention.tokens import (MAX_CHARS, MAX_TOKEN_CHARS, MAX_TOKENS, NoWordError, positions_of,
                                   repeated_token, tokenize)
from core.attention.transformer import (ALL_RIGHT, BARELY, BATCH, EVAL_EVERY, EVAL_SEQUENCES, HEADS, LAYERS, LEARNT, LRS,
                                        MODEL_NAMES, MOVES, NONE_RIGHT, ON_TARGET, PE_KINDS, STALLS, STEPS, TASKS,
                                        TrainConfig, TrainResult, history_csv, moved, seed_facts, shape_learnt,
                                        target, task_batch, train_seeds, train_tiny, weights_safetensors)
from core.attention.view import CALCULATOR_PARTS, PARTS, WINDOW_PARTS, AttentionView

__all__ = [k for k in dir() if not k.startswith("_")]
