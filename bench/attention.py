"""Speed of the self-attention page: the default run, a control change that needs no training, and
the tiny transformers trained as one batched computation against one model at a time."""
from __future__ import annotations

import time

import torch

from bench._apptest import default_run_seconds
from core import attention as att
from core.charts import attention as charts


def _spec(ch) -> dict:
    return ch.to_dict(validate=False)


def _calc_view(cfg: att.CalcConfig) -> None:
    """What a calculator control change costs: the calculator, the conv comparison and their chart specs."""
    r = att.calculate(cfg)
    cc = att.conv_compare(r)
    for ch in (charts.matrices(r, ("embed", "pe", "a")), charts.matrices(r, ("Q", "K", "V")),
               charts.scores(r, 0, "scores"), charts.scores(r, 0, "weights"), charts.query_steps(r, 1),
               charts.weighted_sum(r, 1), *(charts.scores(r, h, "weights") for h in range(1, r.config.heads)),
               charts.matrices(r, ("concat", "out")), charts.shuffled(r), charts.mixing(cc, "conv"),
               charts.mixing(cc, "attn")):
        _spec(ch)


def _steps_per_s(cfg: att.TrainConfig, steps: int, M: int = 1) -> float:
    """M copies of the tiny transformer trained as one batched computation: steps per second."""
    cfg = att.clamp_train(cfg)
    model = att.BatchedTransformer(cfg, [True] * M, torch.Generator().manual_seed(0))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    g = torch.Generator().manual_seed(1)
    t0 = time.perf_counter()
    for _ in range(steps):
        x, y = att.task_batch(cfg.task, cfg.batch, cfg.length, cfg.vocab, g)
        loss = torch.nn.functional.cross_entropy(model(x).reshape(-1, cfg.vocab), y.repeat(M, 1).reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return steps / (time.perf_counter() - t0)


def run() -> dict[str, float]:
    out: dict[str, float] = {}
    _calc_view(att.CalcConfig(seed=0))  # warm-up
    times = []
    for k, cfg in enumerate([att.CalcConfig(seed=1), att.CalcConfig(positional=False), att.CalcConfig(mask="causal"),
                             att.CalcConfig(scale=False), att.CalcConfig(d=16, heads=4)]):
        t0 = time.perf_counter()
        _calc_view(cfg)
        times.append(time.perf_counter() - t0)
    out["calculator control change: compute + all its chart specs (s, median of 5)"] = sorted(times)[2]

    att.train_tiny(att.TrainConfig(steps=5))  # warm-up
    t0 = time.perf_counter()
    r = att.train_tiny(att.TrainConfig(seed=1, max_seconds=600.0))
    out["tiny transformer default training, 150 updates x 2 models (s)"] = time.perf_counter() - t0
    out["page's run (2 models + held-out evaluation every 10 steps): steps/s"] = r.log.steps / r.log.seconds
    single = _steps_per_s(att.TrainConfig(), 150, 1)
    pair = _steps_per_s(att.TrainConfig(), 150, 2)
    eight = _steps_per_s(att.TrainConfig(), 60, 8)
    out["training loop, one model alone: steps/s"] = single
    out["training loop, 2 models batched: steps/s"] = pair
    out["model-steps/s, 2 batched / 1 alone"] = 2 * pair / single
    out["model-steps/s, 8 batched / 1 alone"] = 8 * eight / single
    try:
        default_run_seconds("pages/attention.py", 20_001)  # warm the process
        out["page default run in AppTest, fresh seed (s)"] = default_run_seconds("pages/attention.py", 20_002)
    except Exception:  # noqa: BLE001 - the bench still reports the rest without a streamlit runtime
        pass
    return out


if __name__ == "__main__":
    from core.device import configure_threads

    configure_threads()
    for k, v in run().items():
        print(f"{k:75s} {v:10.3f}")
