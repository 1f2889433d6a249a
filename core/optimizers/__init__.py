"""Optimizer race: SGD, momentum, Adagrad, RMSProp, Adam and AdamW (PyTorch's and the lecture's forms) on
one 2-D surface, learning-rate schedules, a look inside one optimizer, many starts, and a real race on digits.

The page's API (``from core import optimizers as opt; opt.race(...)``). One idea per module: ``surfaces`` (the
surfaces and their minima), ``schedules``, ``lecture`` (the lecture's momentum and RMSProp as torch optimizers),
``racers`` (one record per racer), ``race`` (the batched race, its config and view), ``board`` (leaderboard and
the race's notice), ``inside`` (one optimizer at one update), ``taming`` (does a decay tame Adagrad?), ``ends``
(many starts), ``seeds`` (the race on many seeds at once, the noisy presets' claims), ``digits`` (the real
race), ``adam`` (Adam's bias correction in its first updates), ``warmup`` (why warm-up: a deep ReLU network with
and without it, seeds batched), ``links`` (the page's URL keys, presets, formula).
Every sentence the page states as fact is decided by a ``*_facts`` function here, its thresholds named beside it.
"""
from core.optimizers.adam import ADAM_FIRST, AdamFacts, adam_facts, adam_racer, first_steps
from core.optimizers.board import (BOARD_COLUMNS, HILL_TOL, VALLEY_UPDATES, RaceFacts, leaderboard, race_facts,
                                   steps_to_target)
from core.optimizers.digits import (FIRST_UPDATES, SCALES, RealConfig, RealFacts, RealResult, RealView, real_facts,
                                    real_race, weights_safetensors)
from core.optimizers.ends import PLAIN, EndsFacts, ends_facts
from core.optimizers.inside import Inside, InsideFacts, inside, inside_facts, inside_frame, update_at
from core.optimizers.lecture import MomentumLecture, RMSPropLecture
from core.optimizers.links import FORMULA, LR_KEYS, PRESETS, only_in_link
from core.optimizers.race import (BATCHES, STEPS, TARGETS, RaceConfig, RaceResult, RaceView, clamp_race, history,
                                  history_csv, race)
from core.optimizers.racers import (ADAM_BETAS, ADAM_EPS, ADAMW_DECAY, BY_NAME, LRS, NAMES, RACERS,
                                    RMSPROP_ALPHA, RaceLRs, Racer, effective_lr, lrs_of, make_optimizer, momentum_step,
                                    only, racer, step_racer)
from core.optimizers.schedules import SCHEDULES, make_scheduler, schedule_factors, schedule_frame
from core.optimizers.seeds import (MOST_SEEDS, SETTLE_FACTOR, SETTLE_TAIL, SeedsResult, on_most, race_seeds,
                                   settle_facts, tail_gap)
from core.optimizers.surfaces import (N_EXAMPLES, SURFACES, Surface, describe, examples, find_minima,
                                      global_minima, loss_fn, random_starts, reached_minimum, surface, surface_grid)
from core.optimizers.warmup import (ACC_AHEAD, CHECK_AHEAD_MOST, CHECK_SEEDS, CHECKED, DEAD_EARLY, DEAD_END, RUNS,
                                    WarmupConfig, WarmupFacts, WarmupResult, WarmupView, warmup_facts, warmup_runs)
from core.optimizers.takehome import RACE_FILE, REAL_FILE, WARMUP_FILE, real_script, warmup_script
from core.optimizers.takehome_race import race_script
from core.optimizers.taming import (EXPLOSION, TAMING_SURFACE, TamingFacts, exploded_at, exploding_lrs, explosions,
                                    jumped_at, shortest_exploding_run, taming_facts, tamed)

__all__ = [n for n in dir() if not n.startswith("_")]
