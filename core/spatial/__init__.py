"""Spatial transformer: a CNN stumbles on turned and scaled digits, and a learned warp in front of it
straightens them. The page's API (``from core import spatial as sp``); one module per idea:

- ``warp``: the affine sampling grid (``F.affine_grid`` + ``F.grid_sample``), one pixel of it by hand, the angle
  and size read out of a matrix; ``lab``: the warp part (sliders -> θ -> grid -> output);
- ``data``: scikit-learn's digits on a 16×16 canvas, turned, scaled and shifted within ranges;
- ``nets``: the classifier (the convolution page's convolutions, then a flatten head) and the localisation
  network, many copies as one computation; ``race``: the plain CNN, the transformer and the augmented CNN
  trained side by side; ``replay``: one epoch's frame of the watched digits;
- ``weakness``: the convolution page's CNN on one digit turned and scaled; ``learned``: the correction the
  transformer applies against the turn each test digit was given;
- ``facts``: what the page states, with its thresholds; ``views``: which part is drawn.
"""
from core.spatial.data import CANVAS, DIGIT, N_TEST, N_TRAIN, DigitSets, Draws, Ranges, canvas_digits, digit_sets, \
    distort, draw, turned_only
from core.spatial.facts import (CHECKED, FULL_EPOCHS, MARGIN, SAID, SEEDS_CHECKED, STRAIGHTENS, STRAIGHTENS_TEST,
                                LearnedFacts, RaceFacts, checked, facts, learned_facts, race_facts)
from core.spatial.lab import WarpConfig, WarpResult, matrix_tex, warp_lab
from core.spatial.learned import PROBES, Learned, LearnedView, learned
from core.spatial.nets import FILTERS, IDENTITY, Nets, classifier_params, localiser_params
from core.spatial.race import BATCH, EPOCHS, LR, RACERS, WATCHED, TrainConfig, TrainResult, race, watched_digits
from core.spatial.replay import Frame, frame_at
from core.spatial.takehome import FILE_NAME as SCRIPT_FILE, script
from core.spatial.views import PARTS, SpatialView
from core.spatial.warp import (PADDING, angle_of, corners, grid_points, rotation, sample_direct, sampler, scale_of,
                               warp)
from core.spatial.weakness import ANGLES, CONV, SCALES, Weak, WeakView, holds, probabilities, turn, upright, \
    weak_test, weakness

__all__ = [k for k in dir() if not k.startswith("_")]
