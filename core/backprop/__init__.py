"""Backpropagation: the page's API (``from core import backprop``). One module per part; only the chosen part is
computed and drawn:

- ``network``: a network small enough to read, its forward and backward pass by hand (float64) and autograd's
  ``.grad`` on the same weights; ``steps``: the replay, one neuron per step, with the chain-rule products, and
  the facts of one pass (part ``step``).
- ``cost``: finite differences (two forward passes per weight) against one backward pass on MLPs of growing
  size, counted and timed (part ``cost``).
- ``vanishing``: each layer's gradient in a deep sigmoid stack and a ReLU stack (part ``vanishing``).
- ``view``: what the page shows.

Each part module holds its config, its result and the facts its sentences state, with their thresholds.
"""
from core.backprop.cost import (BACKPROP_MAX, BATCH, EPS, FD_AGREE, FD_PER_WEIGHT, FD_WIDTHS, INPUTS, WIDTHS,
                                CostConfig, CostFacts, CostResult, Mlp, Progress, facts as cost_facts, flops,
                                n_weights, race)
from core.backprop.network import (ACTIVATIONS, DECIMALS, HIDDEN, SCALES, Net, Pass, StepConfig, act, autograd,
                                   by_hand, make_net, nodes_of, sizes_of, slope, sub)
from core.backprop.steps import (AGREE, SATURATED, SATURATED_SHARE, Row, Step, StepFacts, StepResult,
                                 facts as step_facts, fv, fw, replay)
from core.backprop.vanishing import (CLAIM_SEEDS, DEEP, QUARTER, RELU_MIN, SEEDS_SHOWN, SIGMOID_MAX, VanishConfig, VanishFacts,
                                     VanishResult, WIDTHS as VANISH_WIDTHS, claim_holds as vanish_claim_holds,
                                     facts as vanish_facts, stacks)
from core.backprop.takehome import FILE_NAME as SCRIPT_FILE, script
from core.backprop.view import PARTS, BackpropView

__all__ = [k for k in dir() if not k.startswith("_")]
