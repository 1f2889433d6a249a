"""Convolution and pooling: a CNN trained live against a fully connected network, and parts for filters,
pooling, receptive fields and shared parameters, and a digit moved (or drawn) under the trained networks.

One idea per module; everything the page and the tests use is re-exported here
(``from core import convolution as cv``):

- ``kernels`` and ``filter``: preset and typed kernels, a kernel sliding over an image, the output size;
- ``upload``: an uploaded image, size-capped and decoded with Pillow only;
- ``pool``: max and average pooling, the shift test, and a Go board pooled;
- ``field``: the receptive field of a stack of layers (formula and autograd), parameters shared or not;
- ``digits``: scikit-learn's digits, placed on a larger canvas, augmented, moved;
- ``nets``: a CNN and a fully connected network with no more parameters, M of each as one computation;
- ``race``: the two trained on many seeds at once; ``facts``: what the page states about the race;
- ``draw``: a digit drawn with the mouse, as the networks read it; ``probe``: the networks on one digit;
- ``depth``: three 3×3 layers against one 7×7 (weights, multiply-adds), a deep narrow CNN trained against a wide
  shallow one with no more parameters, and what the run shows;
- ``go``: the two observations behind CNNs on a Go board (one 3×3 filter finds every lone stone's liberties) and
  what 2×2 pooling of its answer loses;
- ``resize``: a digit at another size, as it is and rescaled to the networks' input, under the race's networks;
- ``views``: what the page draws (its part, the test digit looked at);
- ``takehome``: the race and the depth part as take-home scripts (the page's numbers, printed).
"""
from core.convolution.depth import (AHEAD, DEPTH_MODELS, DEPTH_STEPS, DEPTH_TRAIN, WIDTHS, Counts, DepthConfig,
                                    DepthFacts, DepthNets, DepthResult, big_params, counts, counts_modules, deep_params,
                                    depth, depth_checked, depth_facts, depth_said, stack_params, wide_params,
                                    wide_width)
from core.convolution.digits import (CANVAS, N_TEST, PLACEMENTS, Split, augment, digits, place, shift_image, side,
                                    split)
from core.convolution.draw import BOARD_PX, INK, PAPER, STROKE_PX, from_drawing
from core.convolution.facts import (BOTH_LEARN, CLOSE, MARGIN, NEAR_CHANCE, RECOGNISES, SAID, SEEDS_CHECKED, RaceFacts,
                                    every_seed, facts, race_facts)
from core.convolution.field import (CHANNELS, INPUT, KS, SIZES, STRIDES, FieldConfig, FieldResult, Sharing,
                                    field_from_autograd, field_lab, field_tex, formula, output_side, sharing,
                                    sharing_modules, stack)
from core.convolution.filter import (DISPLAY, SOURCES, WRITE_OUT, ConvConfig, FilterResult, conv2d, conv2d_loop,
                                     digit_image, downsample, filter_lab, image_of, kernel_of, out_size, sample_photo,
                                     size_tex, window_tex, window_terms)
from core.convolution.go import COLOURS as GO_SIDES
from core.convolution.go import PLUS, GoConfig, GoFacts, GoResult, go_facts, go_lab, neighbours, stones_of
from core.convolution.kernels import KERNELS, MAX_TEXT, MAX_WEIGHT, parse_kernel, preset
from core.convolution.nets import CLASSES, Racers, cnn_params, fc_params, fc_width
from core.convolution.pool import (BOARD, MODES, Board, PoolConfig, PoolResult, board, change, features, pool2d,
                                  pool_case, pool_lab)
from core.convolution.probe import (MAX_MOVE, MOVES, Look, answers, digit_of, look, look_at, look_drawn, maps_of,
                                    predict, read_as, shift_curve)
from core.convolution.race import FILTERS, MODELS, N_TRAIN, STEPS, RaceConfig, RaceResult, race
from core.convolution.resize import SAID as RESIZE_SAID
from core.convolution.resize import SIZES as RESIZE_SIZES
from core.convolution.resize import (CHECKED_SIZE, MIN_GAIN, Resized, ResizeView, rescale, resize_accuracy,
                                     resize_checked, resize_gains, resized, to_input)
from core.convolution.upload import MAX_BYTES, MAX_MB, TYPES, UploadError, decode, read
from core.convolution.takehome import DEPTH_FILE, RACE_FILE, depth_script, race_script
from core.convolution.views import PARTS, ConvView, DrawView

__all__ = [k for k in dir() if not k.startswith("_")]
