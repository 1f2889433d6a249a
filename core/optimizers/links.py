"""The race page's links: the URL keys of the racers' learning rates (links in circulation use them), the "Try this"
presets as URL values, and the lecture's formulas with the values the racers use. Language-neutral."""
from __future__ import annotations

import math

from core.optimizers.racers import ADAM_BETAS, ADAM_EPS, RACERS, lrs_of, only

LR_KEYS = {"sgd": "or_lr_sgd", "mom_lecture": "or_lr_moml", "mom_torch": "or_lr_mom", "nesterov": "or_lr_nag",
           "adagrad_lecture": "or_lr_adagl", "adagrad_torch": "or_lr_adagp", "rms_lecture": "or_lr_rmsl",
           "rms_torch": "or_lr_rms", "adam": "or_lr_adam", "adamw": "or_lr_adamw"}  # Racer.key -> URL key


def only_in_link(**on: float) -> dict[str, float]:
    """URL values of a preset: the named racers at these η (keys: Racer.key), every other racer off."""
    return {LR_KEYS[rc.key]: v for rc, v in zip(RACERS, lrs_of(only(**on)))}


_NOISY = only_in_link(sgd=0.15, mom_lecture=0.03, adam=0.1)
_EXPLODE = {"or_steps": 300, "or_inspect": "Adagrad (lecture)", "or_t": 30, "or_ends": "Adagrad (lecture)",
            **only_in_link(adagrad_lecture=0.5, adagrad_torch=0.5)}
PRESETS = {  # "Try this" (words: optimizers.preset.<name>): URL key -> value, every other control reset
    "explodes": _EXPLODE,
    "tamed": {**_EXPLODE, "or_sched": "exponential"},
    "hill": {"or_surface": "small hill", "or_t": 8, "or_ends": "Momentum (lecture)",
             **only_in_link(sgd=0.15, mom_lecture=0.03, nesterov=0.03)},
    "noisy": {"or_batch": 4, "or_ends": "SGD", **_NOISY},
    "settle": {"or_batch": 4, "or_sched": "cosine", "or_ends": "SGD", **_NOISY},
}

_B1, _B2 = ADAM_BETAS
FORMULA = (  # momentum, Adagrad, RMSProp and Adam in the lecture's form; the last line: the values the racers use
    r"\small\begin{gathered}m_t = \lambda m_{t-1} - \eta_t g_t,\;\; \theta_t = \theta_{t-1} + m_t;\;\;\;"
    r"\theta_t = \theta_{t-1} - \tfrac{\eta_t}{\sigma_t} g_t\\"
    r"\sigma_t = \sqrt{\tfrac{1}{t+1}\textstyle\sum_{s\le t} g_s^2}\qquad"
    r"\sigma_t^2 = \alpha\sigma_{t-1}^2 + (1-\alpha)\,g_t^2\\"
    r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\,g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2)\,g_t^2\\"
    r"\hat m_t = \frac{m_t}{1-\beta_1^{\,t}},\quad \hat v_t = \frac{v_t}{1-\beta_2^{\,t}}\\"
    r"\theta_t = \theta_{t-1} - \eta_t\,\frac{\hat m_t}{\sqrt{\hat v_t}+\varepsilon}\qquad"
    rf"\beta_1 = {_B1:g},\ \beta_2 = {_B2:g},\ \varepsilon = 10^{{{round(math.log10(ADAM_EPS))}}}\end{{gathered}}")
