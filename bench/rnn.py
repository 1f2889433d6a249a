"""Benchmark of the RNN page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

from dataclasses import replace

from bench import main, timed

# The most expensive links a student can reach (scripts/bench.py --worst), part by part: the race (three
# models) at the longest gap and the most updates, with the inspector, and with the longer race (every gap T
# at this budget); the gradient at the longest T; the slot taggers at the most steps.
_RACE = {"gap": 40, "updates": 400, "bias": 3.0}
WORST = [
    {"part": "race", **_RACE},
    {"part": "inspector", **_RACE, "sample": 15},
    {"part": "race", **_RACE, "longer": True},
    {"part": "gradient", "g_len": 80, "g_bias": 0.0},
    {"part": "variants", "slot_steps": 300, "example": "Taipei … leave"},
    {"part": "variants", "slot_steps": 300, "inputs": "embedding"},  # issue 28: the learned word vectors
    {"part": "stepper", "sharp": 1.0},
    {"part": "overfit", "of_n": 400},  # issue 28: LSTM against GRU on the largest training set
]


def run() -> dict[str, float]:
    from core import device, rnn

    device.configure_threads(1)
    rnn.race(rnn.RaceConfig(gap=5, updates=100, seed=999_999))  # warm the process (imports, first Adam step)
    out: dict[str, float] = {}
    out["page default: hand-made LSTM (s)"], out["page default: hand-made LSTM (CPU s)"] = timed(
        lambda: rnn.run(rnn.LectureConfig()))
    cfg = rnn.RaceConfig(seed=4242)
    out["memory race, default (s)"], out["memory race, default (CPU s)"] = timed(lambda: rnn.race(cfg))
    for kind in rnn.KINDS:  # one cell alone: nn.GRU is the dearest on a CPU (no fused kernel, unlike nn.LSTM)
        out[f"memory race, default, {kind} alone (s)"], out[f"memory race, default, {kind} alone (CPU s)"] = timed(
            lambda k=kind: rnn.race_seeds(cfg, [cfg.seed], kinds=(k,)))
    res = rnn.race(cfg)
    ins = rnn.inspect(res, 3)
    out["inspector facts (s)"], out["inspector facts (CPU s)"] = timed(lambda: rnn.inspector_facts(ins))
    out["inspector on a trained race (s)"], out["inspector on a trained race (CPU s)"] = timed(
        lambda: rnn.inspect(res, 3))
    out["vanishing gradient, default (s)"], out["vanishing gradient, default (CPU s)"] = timed(
        lambda: rnn.gradients(rnn.GradConfig(seed=4242)))
    out["slot filling, default (s)"], out["slot filling, default (CPU s)"] = timed(
        lambda: rnn.tag(rnn.SlotConfig(seed=4242)))
    big = rnn.RaceConfig(gap=max(rnn.GAPS), updates=max(rnn.UPDATES), seed=7)
    out["memory race, largest setting (s)"], out["memory race, largest setting (CPU s)"] = timed(lambda: rnn.race(big))
    out["longer race (every gap), default, beside the page's race (s)"], \
        out["longer race (every gap), default, beside the page's race (CPU s)"] = timed(lambda: rnn.sweep(cfg, done=res))
    cut = replace(big, updates=rnn.sweep_updates(big))  # the page's race and the longer race at the largest setting

    def both():
        rnn.sweep(cut, done=rnn.race(cut))

    out[f"race + longer race, largest setting ({cut.updates} updates each) (s)"], \
        out[f"race + longer race, largest setting ({cut.updates} updates each) (CPU s)"] = timed(both)
    return out


if __name__ == "__main__":
    main(run)
