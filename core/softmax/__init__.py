"""Softmax and cross-entropy: the lab (logits in, probabilities, loss and gradient out), the lecture's picture
of why classification uses cross-entropy rather than mean squared error after softmax, a live classifier on
2-D data, and the PyTorch pitfall (nn.CrossEntropyLoss wants logits).

The lecture (classification as regression with a one-hot target ŷ): the logits y go through softmax,
y'_i = exp(y_i) / Σ_j exp(y_j), which makes them positive, sum to 1 and widens the gaps between them; the
loss is the cross-entropy e = −Σ_i ŷ_i ln y'_i, whose gradient with respect to the logits is y' − ŷ.
With two classes softmax is a sigmoid of the difference: y'_1 = σ(y_1 − y_2). A temperature T divides
the logits first (T = 1 is the lecture's softmax); the gradient then is (y' − ŷ) / T.

One idea per module; everything the page and the tests use is re-exported here
(``from core import softmax``):

- ``formulas``: softmax, cross-entropy, its gradient, MSE after softmax, written out;
- ``lab``: the softmax lab and the two-class sigmoid;
- ``gaps``: softmax widens the gaps: the lab's positive logits as shares of their sum beside softmax, and when
  that holds (every logit at least 1: always; below 1: decided for the logits shown);
- ``surface``: MSE against cross-entropy, gradient descent on both error surfaces, and whether MSE stalled;
- ``datasets``: the classifier's 2-D data (iris, wine, blobs, moons, spirals);
- ``models``: M classifiers as one batched computation and their losses;
- ``classify``: softmax regression and a network trained live, on one seed or many at once;
- ``pitfall``: nn.CrossEntropyLoss given softmax outputs, against logits;
- ``view``: the part of the page shown.
"""
from core.softmax.classify import (EVAL_EVERY, GRID, HIDDEN, LINEAR_SHORT, LRS, MODELS, MSE_DATA, MSE_WORSE, NET_AHEAD,
                                   SPLITS, STEPS, ClassifyConfig, Run, classify, classify_facts, classify_seeds,
                                   mse_facts, mse_seeds, train_models)
from core.softmax.datasets import DATASETS, FEATURES, REAL, SYNTHETIC, Points, points
from core.softmax.gaps import GAPS_PRESET, SMALL_EXAMPLE, TIE, VERDICTS, WIDE_FROM, Gaps, gaps, shares, verdict
from core.softmax.formulas import LOSSES, ce_gradient, cross_entropy, mse_softmax, softmax
from core.softmax.lab import TEMPERATURES, LabConfig, LabResult, lab, sigmoid_curve
from core.softmax.models import Models, losses, per_model_loss
from core.softmax.pitfall import FLOOR_SLACK, PITFALL, pitfall, pitfall_facts, pitfall_seeds, wrong_floor
from core.softmax.surface import (BAD_LRS, CE_LEFT, EXTENT, MSE_KEPT, MSE_PLATEAU, SURFACE_STEPS, SurfaceConfig,
                                  SurfaceResult, surface, surface_grid)
from core.softmax.takehome import FILE_NAME as SCRIPT_FILE, script
from core.softmax.view import PARTS, SoftmaxView

__all__ = [k for k in dir() if not k.startswith("_")]
