"""Fitting curves with sigmoids and ReLUs: the fitting page's API (``from core import fitting``).

The lecture: a linear model cannot bend; a constant plus a sum of (hard) sigmoids can follow any
piecewise-linear curve, and ``y = b + sum_i c_i sigmoid(b_i + w_i x)`` approximates a smooth one.
Two ReLUs make one hard sigmoid, so 2K ReLUs do the job of K sigmoids. Here a K-sigmoid model and a
2K-ReLU model train side by side, as one batched computation, on the same data and minibatches.

One idea per module: ``config`` (settings, views, presets), ``budget`` (the updates and work a run may make),
``result`` (what a run gives), ``batched`` (the training of many seeds' models as one computation), ``fit``
(the page's run, and on many seeds), ``sweep`` (the complexity sweep), ``units`` (dead units, kinks),
``pair`` (two ReLUs make a hard sigmoid), ``matrix`` (the matrix form y = b + cᵀσ(b + Wx) of a trained fit at one
x, every vector kept), ``facts`` (what the page states about a run or a sweep),
``claims`` (the presets' claims on many seeds, thresholds named), ``downloads`` (CSV and safetensors).
"""
from core.fitting.batched import FRAMES, GRID, BatchedFit
from core.fitting.budget import MAX_UPDATES, MAX_WORK, Plan, epochs_within, plan, units_of, updates_within
from core.fitting.claims import (CORNER_NEAR, CORNERS_SHARE, PAIRS_EDGE_K, PAIRS_WELL_K, SEASONS_VAL_MSE, Claim,
                                 blowup_claim, corners_claim, few_claim, overfit_claim, pairs_claim, pairs_hold,
                                 seasons_claim)
from core.fitting.config import (BATCHES, EPOCHS, INIT_SCALE, LOSSES, LRS, MEAN_BIAS, NAMES, OPTIMIZERS, PARTS,
                                 PRESETS, REVIVE, SPLITS, FitConfig, FitView, MatrixView, PairView, preset)
from core.fitting.downloads import history_csv, weights_safetensors
from core.fitting.facts import (CORNER_FLOOR, OVERFIT_EVALS, OVERFIT_RISE, Best, FitFacts, Gap, SweepFacts, Turn,
                                facts, sweep_facts, turn)
from core.fitting.fit import fit, fit_seeds
from core.fitting.matrix import (SATURATED_R, MatrixFacts, MatrixForm, activation, matrix_facts, matrix_form, matrix_of,
                                 torch_forward)
from core.fitting.pair import ReluPair, relu_pair
from core.fitting.result import FitResult, per_model_loss
from core.fitting.sweep import (SWEEP_COLUMNS, SWEEP_KS, SWEEP_STEP_COST, SWEEP_STEPS, SWEEP_WORK, sweep, sweep_seeds,
                                sweep_steps, sweep_units)
from core.fitting.takehome import FILE_NAME as SCRIPT_FILE, script
from core.fitting.units import dead_units, kinks

__all__ = [n for n in dir() if not n.startswith("_")]
