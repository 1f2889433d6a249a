"""Speed of the self-attention page: a calculator control change (no training), the default training run,
the RNN beside it, M tiny transformers trained as one batched computation against one at a time, and parts 8
(CNN against attention on digits) and 9 (RNN against attention, timed: the times it measures are reported here)."""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from bench._apptest import default_run_seconds
from core import attention as att
from core.charts import attention as charts
from core.params import clamp

# The most expensive links a student can reach (scripts/bench.py --worst), part by part: the calculator's
# parts at its largest (12 tokens, d = 16, 4 heads, every mask), then the two training parts at their largest
# (2 blocks, 4 heads, 300 updates; the RNN part trains the tiny transformer on reverse as well as the GRU), part 8 at
# its largest (5 sizes up to 1,400 digits, 300 updates) and part 9 at its longest and widest.
_LONG = "the quick brown fox jumps over the lazy dog and the cat sat"  # 13 words: cut to MAX_TOKENS
WORST = [
    {"part": "steps", "at_text": _LONG, "at_d": 16, "at_heads": 4, "at_query": 12},
    {"part": "heads", "at_text": _LONG, "at_d": 16, "at_heads": 4, "at_mask": "graph"},
    {"part": "position", "at_text": _LONG, "at_d": 16, "at_heads": 4, "at_mask": "causal"},
    {"part": "masks", "at_text": _LONG, "at_d": 16, "at_heads": 4, "at_mask": "window", "at_w": 11},
    {"part": "cnn", "at_text": _LONG, "at_d": 16, "at_heads": 4, "at_w": 11},
    {"part": "train", "at_task": "sort", "at_layers": 2, "at_theads": 4, "at_pek": "sinusoidal", "at_steps": 300},
    {"part": "train", "at_task": "reverse", "at_layers": 2, "at_theads": 4, "at_pek": "learned", "at_steps": 300},
    {"part": "rnn", "at_layers": 2, "at_theads": 4, "at_steps": 300, "at_rnn_cell": "GRU", "at_rnn_hidden": 64},
    {"part": "images", "at_img_smallest": 20, "at_img_largest": 1400, "at_img_sizes": 5, "at_img_steps": 300},
    {"part": "parallel", "at_par_longest": 1024, "at_par_width": 64, "at_par_positions": True},
]


def _spec(ch) -> dict:
    return ch.to_dict(validate=False)


def _calc_view(cfg: att.CalcConfig, lang: str = "en") -> None:
    """What a calculator control change costs: the calculator, the conv comparison and their chart specs."""
    r = att.calculate(cfg)
    cc = att.conv_compare(r)
    for ch in (charts.matrices(r, ("embed", "pe", "a"), lang), charts.matrices(r, ("Q", "K", "V"), lang),
               charts.scores(r, 0, "scores", lang), charts.scores(r, 0, "weights", lang),
               charts.query_steps(r, 1, lang), charts.weighted_sum(r, 1, lang),
               *(charts.scores(r, h, "weights", lang) for h in range(1, r.config.heads)),
               charts.matrices(r, ("concat", "out"), lang), charts.shuffled(r, lang), charts.mixing(cc, "conv", lang),
               charts.mixing(cc, "attn", lang)):
        _spec(ch)


def _steps_per_s(cfg: att.TrainConfig, steps: int, M: int = 1) -> float:
    """M copies of the tiny transformer trained as one batched computation: steps per second."""
    cfg = clamp(cfg)
    model = att.BatchedTransformer(cfg, [True] * M, list(range(M)))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    g = torch.Generator().manual_seed(1)
    t0 = time.perf_counter()
    for _ in range(steps):
        x, y = att.task_batch(cfg.task, att.BATCH, cfg.length, cfg.vocab, g)  # (B, T) each
        loss = F.cross_entropy(model(x).reshape(-1, cfg.vocab), y.repeat(M, 1).reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return steps / (time.perf_counter() - t0)


def run() -> dict[str, float]:
    out: dict[str, float] = {}
    _calc_view(att.CalcConfig(seed=0))  # warm-up
    times = []
    for cfg in [att.CalcConfig(seed=1), att.CalcConfig(positional=False), att.CalcConfig(mask="causal"),
                att.CalcConfig(activation="ReLU"), att.CalcConfig(d=16, heads=4, sentence="我爱自注意力我")]:
        t0 = time.perf_counter()
        _calc_view(cfg)
        times.append(time.perf_counter() - t0)
    out["calculator control change: compute + all its chart specs (s, median of 5)"] = sorted(times)[2]

    att.train_tiny(att.TrainConfig(steps=50))  # warm-up
    t0 = time.perf_counter()
    r = att.train_tiny(att.TrainConfig(seed=1))
    out["tiny transformer default training, 150 updates x 2 models (s)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    att.train_rnn(att.rnn_config_for(att.TrainConfig(seed=1)))
    out["RNN beside it, default (100 updates, nn.RNN) (s)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    att.train_tiny(att.TrainConfig(seed=1, steps=300, layers=2, heads=4, length=10, vocab=16))
    out["largest tiny transformer setting (300 updates, 2 layers, 4 heads, T = 10) (s)"] = time.perf_counter() - t0
    out["page's run (2 models + held-out evaluation every 10 steps): steps/s"] = r.log.steps / r.log.seconds
    single = _steps_per_s(att.TrainConfig(), 100, 1)
    pair = _steps_per_s(att.TrainConfig(), 100, 2)
    twenty = _steps_per_s(att.TrainConfig(), 30, 20)
    out["training loop, one model alone: steps/s"] = single
    out["model-steps/s, 2 batched / 1 alone"] = 2 * pair / single
    out["model-steps/s, 20 batched (10 seeds x PE/no PE, the claim tests) / 1 alone"] = 20 * twenty / single
    att.train_images(att.ImagesConfig(steps=50))  # warm-up
    t0 = time.perf_counter()
    att.train_images(att.ImagesConfig(seed=1))
    out["part 8 default: CNN + attention at 3 sizes, 150 updates, one batched run (s)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    att.train_images(att.ImagesConfig(seed=1, smallest=20, largest=1400, sizes=5, steps=300))
    out["part 8 largest setting: 5 sizes, 300 updates (s)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    att.train_images(att.ImagesConfig(sizes=2), tuple(range(10)))
    out["part 8 claim run: 10 seeds x 2 sizes x 2 models, 150 updates (s)"] = time.perf_counter() - t0
    for cfg, name in ((att.ParallelConfig(seed=1), "default"), (att.ParallelConfig(longest=1024, width=64), "largest")):
        t0 = time.perf_counter()
        p = att.measure(cfg)
        out[f"part 9 {name}: timing every length + the reversal test (s)"] = time.perf_counter() - t0
        last = p.timing[p.timing["T"] == p.timing["T"].max()].set_index("model").ms
        for m in att.PARALLEL_MODELS:
            out[f"part 9 {name}: {m} at T = {int(p.timing['T'].max())}, fastest of 5 (ms)"] = float(last[m])
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
        print(f"{k:80s} {v:10.3f}")
