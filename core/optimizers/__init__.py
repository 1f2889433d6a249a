"""Optimizer race: SGD, momentum, Adagrad, RMSProp, Adam and AdamW (PyTorch's and the lecture's forms) on
one 2-D surface, learning-rate schedules, a look inside one optimizer, and a real race on digits.

One idea per module: ``surfaces`` (the surfaces and their minima), ``schedules``, ``lecture`` (the lecture's
momentum and RMSProp as torch optimizers), ``racers`` (one record per racer), ``race`` (the batched race),
``inside`` (one optimizer at one update, the view settings), ``taming`` (does a decay tame Adagrad?), ``seeds``
(the race on many seeds at once),
``digits`` (the real race). ``from core import optimizers as opt; opt.race(...)``.
"""
from core.optimizers.digits import SCALES, RealConfig, RealResult, RealView, real_race, weights_safetensors
from core.optimizers.inside import TARGETS, Inside, RaceView, inside, inside_frame, update_at
from core.optimizers.lecture import MomentumLecture, RMSPropLecture
from core.optimizers.race import (BATCHES, BOARD_COLUMNS, STEPS, RaceConfig, RaceResult, clamp_race, history,
                                  history_csv, leaderboard, race, steps_to_target)
from core.optimizers.racers import (ADAMW_DECAY, BY_NAME, LRS, NAMES, RACERS, RMSPROP_ALPHA, RaceLRs, Racer,
                                    effective_lr, lrs_of, make_optimizer, momentum_step, only, racer, step_racer)
from core.optimizers.seeds import SeedsResult, race_seeds
from core.optimizers.schedules import SCHEDULES, make_scheduler, schedule_factors, schedule_frame
from core.optimizers.surfaces import (N_EXAMPLES, SURFACES, Surface, describe, examples, find_minima,
                                      global_minima, loss_fn, random_starts, reached_minimum, surface, surface_grid)
from core.optimizers.taming import (EXPLOSION, exploded_at, exploding_lrs, explosions, jumped_at,
                                   shortest_exploding_run, tamed)

__all__ = [n for n in dir() if not n.startswith("_")]
