"""Batches and epochs: the page's API.

- ``paths``: one gradient descent with the full batch, a mini-batch and one example at a time, from one
  start on one loss surface (a pure function of its config);
- ``lab``: the batch-size lab, one small network trained with plain SGD at several batch sizes, timed on
  the machine that runs it;
- ``facts``: what the page states as fact about either, with its thresholds.
"""
from core.batches.facts import (CLOSER_THAN_MINI, CLOSER_THAN_SINGLE, OFTEN_UP, SMALL_WINS_BY, STRAIGHT_BELOW,
                                SUBLINEAR, ZIGZAG_ABOVE, LabFacts, PathFacts, lab_facts, path_facts)
from core.batches.lab import (HIDDEN, SMALLEST, VAL_FRACTION, LabConfig, LabProgress, LabResult, LabView, batch_lab,
                              lab_batches)
from core.batches.paths import (GRID, METHODS, MINI_BATCHES, Moment, PathConfig, PathResult, PathView, mse, paths,
                                sample, surface, turning_angles)
from core.batches.takehome import LAB_FILE, PATHS_FILE, lab_script, paths_script

__all__ = ["CLOSER_THAN_MINI", "CLOSER_THAN_SINGLE", "GRID", "HIDDEN", "METHODS", "MINI_BATCHES", "OFTEN_UP",
           "SMALLEST", "SMALL_WINS_BY", "LAB_FILE", "PATHS_FILE", "lab_script", "paths_script", "STRAIGHT_BELOW", "SUBLINEAR", "VAL_FRACTION", "ZIGZAG_ABOVE", "LabConfig",
           "LabFacts", "LabProgress", "LabResult", "LabView", "Moment", "PathConfig", "PathFacts", "PathResult",
           "PathView", "batch_lab", "lab_batches", "lab_facts", "mse", "path_facts", "paths", "sample", "surface",
           "turning_angles"]
