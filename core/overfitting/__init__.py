"""Overfitting and its cures: the page's API. One module per part of the page:

- ``guide``: the lecture's guide for bad results, followed on a live network;
- ``depth``: model bias or optimisation, networks of 1 to 5 hidden layers side by side;
- ``cures``: one overfitting setup and each cure, as one batched computation (the box part reads it too);
- ``bound``: the share of bad training sets measured against |H|·2·exp(−2Nε²), and against |H| at one N (a
  smaller H: fewer bad sets, but a worse best hypothesis);

- ``augment``: on scikit-learn's digits, a small CNN trained with a label-keeping augmentation (shifts) against
  label-changing ones (180° rotation, mirroring);

their take-home scripts (``takehome``: ``guide_script``, ``depth_script``; ``takehome_cures``: ``cures_script``,
``augment_script``), with their data (``data``: the diabetes patients, split per seed), their networks (``net``), the
page's view (``view``) and what the page states as fact (``facts``).
"""
from core.overfitting.augment import (AUGMENTS, SEEDS as AUGMENT_SEEDS, DIGIT_DROP, HURT, HURT_SEEDS, MIRRORED, TURNED, AugmentConfig,
                                     AugmentFacts, AugmentResult, augment, augment_seeds, facts as augment_facts,
                                     seed_facts as augment_seed_facts, sheet)
from core.overfitting.bound import BOUNDARY, FLIP, NS, SETS, SIZES, BoundConfig, BoundResult, bound
from core.overfitting.cures import (CURES, MODELS, STEPS, WIDTH, CuresConfig, CuresResult, cures, cures_seeds,
                                    history_csv)
from core.overfitting.data import POOL, Split, linear_losses, split
from core.overfitting.depth import DEPTHS, WORSE_BY, DepthConfig, DepthResult, depth, depth_seeds
from core.overfitting.facts import (BOUND_CHECKED, CHECKED, CLAIM_SEEDS, CLEAR_BY, DEEP_BETTER, DEEP_WORSE, RISE_MAX,
                                    SAFER_BY, SHALLOW, TRADE_CHECKED, BoundFacts, BoxFacts, CuresFacts, TradeFacts,
                                    bound_facts, box_facts, cure_setting, cures_facts, depth_holds, guide_steps, pick,
                                    trade_facts)
from core.overfitting.guide import MODELS as GUIDE_MODELS, GuideConfig, GuideResult, guide
from core.overfitting.net import BatchedNet, SeededDropout
from core.overfitting.view import PARTS, OverfitView
from core.overfitting.takehome import DEPTH_FILE, GUIDE_FILE, depth_script, guide_script
from core.overfitting.takehome_cures import AUGMENT_FILE, CURES_FILE, augment_script, cures_script

__all__ = ["AUGMENTS", "AUGMENT_SEEDS", "DIGIT_DROP", "HURT", "HURT_SEEDS", "MIRRORED", "TURNED", "AugmentConfig", "AugmentFacts",
           "AugmentResult", "augment", "augment_seeds", "augment_facts", "augment_seed_facts", "sheet",
           "BOUNDARY", "FLIP", "SAFER_BY", "SIZES", "TRADE_CHECKED", "TradeFacts", "trade_facts",
           "BOUND_CHECKED", "CHECKED", "CLAIM_SEEDS", "CLEAR_BY", "CURES", "DEEP_BETTER", "DEEP_WORSE", "DEPTHS",
           "GUIDE_MODELS", "MODELS", "NS", "PARTS", "POOL", "RISE_MAX", "SETS", "SHALLOW", "STEPS", "WIDTH", "WORSE_BY",
           "BatchedNet", "BoundConfig", "BoundFacts", "BoundResult", "BoxFacts", "CuresConfig", "CuresFacts",
           "CuresResult", "DepthConfig", "DepthResult", "GuideConfig", "GuideResult", "OverfitView", "SeededDropout",
           "Split", "AUGMENT_FILE", "augment_script", "CURES_FILE", "DEPTH_FILE", "GUIDE_FILE", "cures_script", "depth_script", "guide_script", "bound", "bound_facts", "box_facts", "cure_setting", "cures", "cures_facts", "cures_seeds", "depth",
           "depth_holds", "depth_seeds", "guide", "guide_steps", "history_csv", "linear_losses", "pick", "split"]
