"""Critical points: local minimum, local maximum or saddle point? (the Hessian explorer)

The lecture: where the gradient g is zero, training stalls. Near such a point θ' the loss is
``L(θ) ≈ L(θ') + (θ−θ')ᵀg + ½(θ−θ')ᵀH(θ−θ')``; with g = 0 the Hessian H decides: all eigenvalues
positive, a local minimum; all negative, a local maximum; mixed signs, a saddle point; an eigenvalue
near zero, the Hessian cannot decide (degenerate). At a saddle, an eigenvector u with eigenvalue
λ < 0 points downhill: ``L(θ' + u) ≈ L(θ') + ½λ‖u‖²``.

One idea per module:

- ``network``: the small real network (diabetes data, 10 -> H tanh -> 1), batched training, Hessians;
- ``surfaces``: the five 2-D losses and their gradients/Hessians;
- ``verdicts``: the one near-zero rule, classify, the higher-order probe;
- ``contours``: the surface in view, contour lines, every critical point (batched Newton);
- ``point``: everything at one point θ';
- ``escape``: escaping a saddle along the negative eigenvector;
- ``ratio``: the minimum-ratio experiment the lecture's way (train, minimise ‖g‖² with L-BFGS, then the
  Hessian) and its switch;
- ``takehome``: that experiment as a self-contained script (``ratio_script``, saved as ``RATIO_FILE``), and the
  network slice's training and point (``slice_script``, ``SLICE_FILE``).

What the page states as fact is decided here, with its thresholds named: ``EscapeResult.story`` (the escape
notice), ``PointResult.shape`` and ``.steep`` (the verdict and the map's caption), ``RatioResult.facts``.

``from core import critical; critical.point(...)`` keeps working: the public API is re-exported here.
"""
from core.critical.contours import SurfaceConfig, SurfaceResult, find_critical, isolines, surface
from core.critical.escape import (CRAWL_FACTOR, CRAWL_OFFSET, JUMPS, LRS, OFFSETS, PAD, RUNS, STEPS, STORIES,
                                  EscapeConfig, EscapeResult, escape, escape_csv, nearest_saddle)
from core.critical.network import (DT, SLICE_HIDDEN, SLICE_STEPS, SliceNet, fit_nets, init_params, n_params, net_grads,
                                   net_data, net_hessians, net_hessians_fast, net_loss, slice_net, train_nets, unpack)
from core.critical.point import STEEP, TAYLOR, WINDOWS, PointConfig, PointResult, point, quadratic
from core.critical.ratio import (HIDDEN_CHOICES, INIT_STD, LBFGS_ITERS, MOST, RARE, RATIO_FILES, RATIO_STORIES, RUNS_CHOICES, STEP_CHOICES,
                                 VERDICTS, RatioConfig, RatioResult, RatioView, drive_gradient_to_zero, min_ratio,
                                 min_ratios, ratio_csv, ratio_safetensors)
from core.critical.takehome import FILE_NAME as RATIO_FILE, SLICE_FILE, script as ratio_script, slice_script
from core.critical.surfaces import (AXES, FORMULAS, HI, LO, SURFACES, Surface, analytic_grad_hess, evaluate, grad_hess,
                                    hessian_at, surface_fn)
from core.critical.verdicts import (EIG_TOL, GRAD_TOL, HIGHER_ORDER, SHAPES, SIGNS, classify, is_critical, near_zero_tol,
                                    probe, shape, sign_counts, sign_of)
