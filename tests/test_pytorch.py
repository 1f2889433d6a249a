"""PyTorch basics: the downloadable script against the page's numbers (run as its own process), each part against
PyTorch itself (shapes, autograd, DataLoader), save/load, the charts, and every claim on ten seeds."""
from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader

from core import i18n, rng
from core import pytorch as pt
from core.charts import pytorch as charts
from core.pytorch.bug_facts import FLOOR
from core.pytorch import graph, loader, loop, shapes, template
from core.pytorch.bugs import _loss as bug_loss

SEEDS = range(10)  # every claim is checked on these
PRINTED = 5e-7  # the script prints losses with 6 decimals: equal to the page's numbers within half a unit of the last


# ------------------------------------------------------------------ the script part

@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("task", pt.TASKS)
def test_script_is_short_whole_and_in_sections(task, lang):
    cfg = pt.ScriptConfig(task=task, seed=3)
    text = pt.script_text(cfg, lang)
    lines = text.rstrip("\n").split("\n")
    assert 30 <= len(lines) <= 80, len(lines)
    blocks = pt.blocks(cfg, lang)
    assert "\n\n".join(b.text for b in blocks) + "\n" == text  # the sections are the script, cut
    assert [b.title for b in blocks[1:]] == [f"{i} · {i18n.text(lang, f'pytorch.section.{s}')}"
                                             for i, s in enumerate(pt.SECTIONS, 1)]
    compile(text, pt.FILE_NAME, "exec")
    for purpose in template.PURPOSES.values():  # the page's torch seeds are written into it
        assert str(rng.seed_of(3, purpose)) in text
    assert "torch.manual_seed(" in text and text.count("torch.manual_seed(") == 1


def test_script_text_changes_with_every_setting():
    base = pt.script_text(pt.ScriptConfig())
    for name, v in (("task", "digits"), ("hidden", 32), ("lr", 0.1), ("batch", 64), ("epochs", 5), ("seed", 1)):
        assert pt.script_text(replace(pt.ScriptConfig(), **{name: v})) != base, name


def test_the_app_draws_the_scripts_initial_weights_without_the_global_seed():
    """make_model with the seeded generator gives what torch.manual_seed(n) then nn.Sequential(...) gives."""
    t = pt.tasks.prepare("seattle", 0)
    seed = rng.seed_of(0, template.PURPOSES["init"])
    state = torch.random.get_rng_state()
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        want = nn.Sequential(nn.Linear(t.d_in, 16), nn.ReLU(), nn.Linear(16, 1))
    assert torch.equal(torch.random.get_rng_state(), state)
    got = loop.make_model(t, 16, "cpu", rng.generator(0, template.PURPOSES["init"]))
    before = torch.random.get_rng_state()
    loop.make_model(t, 16, "cpu", rng.generator(0, template.PURPOSES["init"]))
    assert torch.equal(torch.random.get_rng_state(), before)  # the app's model never touched the global generator
    for a, b in zip(want.parameters(), got.parameters()):
        assert torch.equal(a, b)


SCRIPT_RUNS = [pt.ScriptConfig(epochs=5, seed=11),
               pt.ScriptConfig(task="diabetes", batch=16, lr=0.02, epochs=3, seed=2),
               pt.ScriptConfig(task="digits", hidden=32, epochs=3, seed=5)]


@pytest.mark.parametrize("cfg", SCRIPT_RUNS, ids=[c.task for c in SCRIPT_RUNS])
def test_downloaded_script_reproduces_the_pages_losses(cfg):
    """The download, run as `python pytorch_basics.py` in its own process (CPU, one thread), prints the losses the
    page shows, epoch by epoch, to the printed 6 decimals; and its reloaded copies predict identically."""
    r = pt.train_script(cfg, device="cpu")
    out = pt.script.run_text(pt.script_text(cfg, "zh"), pt.FILE_NAME, threads=1)
    assert out.returncode == 0, out.stderr[-3000:]
    printed = {k: pt.script.printed(out.stdout, k) for k in ("train", "val", "test", "accuracy", "identical")}
    assert len(printed["train"]) == len(printed["val"]) == cfg.epochs == len(r.train)
    assert np.max(np.abs(np.array(printed["train"]) - r.train)) <= PRINTED
    assert np.max(np.abs(np.array(printed["val"]) - r.val)) <= PRINTED
    assert abs(printed["test"][0] - r.test) <= PRINTED
    if cfg.task == "digits":
        assert abs(printed["accuracy"][0] - r.accuracy) <= PRINTED
    assert printed["identical"] == [1.0, 1.0] and r.same == {"state_dict": True, "safetensors": True}


def test_printed_numbers_are_read_back():
    text = "device cpu\nepoch 1 train 0.500000 val 0.25\nepoch 2 train 1e-3 val nan\nreloaded x identical True"
    assert pt.script.printed(text, "train") == [0.5, 0.001]
    assert pt.script.printed(text, "val")[0] == 0.25 and math.isnan(pt.script.printed(text, "val")[1])
    assert pt.script.printed(text, "identical") == [1.0] and pt.script.printed(text, "device") == []


def test_safetensors_download_reloads_the_same_model():
    from safetensors.torch import load

    cfg = pt.ScriptConfig(task="diabetes", epochs=3, seed=4)
    r = pt.train_script(cfg, device="cpu")
    t = pt.tasks.prepare(cfg.task, cfg.seed)
    m = loop.make_model(t, cfg.hidden, "cpu")
    m.load_state_dict(load(r.weights))
    with torch.no_grad():
        again = nn.MSELoss()(m(t.x[t.test]).squeeze(1), t.y[t.test]).item()
    assert again == r.test


def test_device_is_chosen_as_the_notes_say(monkeypatch):
    monkeypatch.delenv("DLC_DEVICE", raising=False)
    assert pt.script_device() == ("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setenv("DLC_DEVICE", "cpu")
    assert pt.script_device() == "cpu"


def test_a_huge_learning_rate_is_reported_not_drawn():
    r = pt.train_script(pt.ScriptConfig(lr=1.0, batch=8, epochs=5, seed=0), device="cpu")
    h = r.history()
    assert np.isfinite(h.loss).all()
    if r.diverged:
        assert r.test is None and pt.script_facts(r) is None and r.weights == b""


def test_replay_frames():
    fr = pt.frames(3)
    assert [s for s, _ in fr] == ["data", "model", "loss", "optimiser", "loop", "loop", "loop", "evaluation", "save"]
    assert [e for s, e in fr if s == "loop"] == [1, 2, 3]


@pytest.mark.claim
@pytest.mark.parametrize("task", pt.TASKS)
def test_claim_the_default_script_learns(task):
    """At each task's defaults, on every seed: the validation loss falls below the untrained model's, the test
    loss is under BEAT of the constant guess (digits: accuracy above ACCURATE), the reloaded copies are identical."""
    worst = []
    for s in SEEDS:
        f = pt.script_facts(pt.train_script(pt.ScriptConfig(task=task, seed=s), device="cpu"))
        assert f is not None and f.fell and f.identical and f.beats, (s, f)
        worst.append(f.accuracy if task == "digits" else f.ratio)
    print(task, "worst", min(worst) if task == "digits" else max(worst))


# ------------------------------------------------------------------ shapes

def _settings():
    for a, op in itertools.product(shapes.SHAPES, shapes.OPS):
        fields = shapes.FIELDS[op]
        for b, d, d1, order, target in itertools.product(
                shapes.SHAPES if "b" in fields else ("2x3",), range(-3, 4) if "dim" in fields else (0,),
                range(-3, 4) if "dim1" in fields else (1,), shapes.ORDERS if "order" in fields else ("1,0",),
                shapes.TARGETS if "target" in fields else ("3x2",)):
            yield shapes.ShapeConfig(a=a, op=op, b=b, dim=d, dim1=d1, order=order, target=target)


def test_every_shape_result_is_pytorchs():
    """Every setting the controls allow: the drawn output equals PyTorch's result (values, shape, layout of the
    grid), or PyTorch refused and the page shows PyTorch's own message with the right explanation."""
    n, refused = 0, 0
    for cfg in _settings():
        for values in ("arange", "random"):
            c = replace(cfg, values=values, seed=7)
            r = shapes.run(c)
            a = r.a
            b = r.b if r.b is not None else torch.zeros(0)
            try:
                want = shapes.apply(c, a.clone(), b.clone())
                err = None
            except (RuntimeError, IndexError, ValueError) as e:
                want, err = None, str(e).strip()
            if err is not None:
                refused += 1
                assert r.out is None and r.error == err and r.reason not in (None, "other"), (c, r.reason, err)
                continue
            assert r.error is None and r.reason is None
            assert r.out.shape == want.shape and torch.equal(r.out, want), c
            df, _ = charts.cells(r.out, r.origin)  # what the grid draws, in its order
            assert list(df.value) == [f"{v:g}" for v in want.reshape(-1).tolist()], c
            if c.op in ("cat", "stack") and values == "arange":  # b's numbers start where a's stop
                assert torch.equal(r.origin == 1, r.out >= a.numel()), c
            n += 1
    assert n > 500 and refused > 500


def test_shape_facts_follow_pytorch():
    r = shapes.run(shapes.ShapeConfig(op="transpose", dim=0, dim1=1))
    f = shapes.facts(r)
    assert f.shares and not f.contiguous
    assert not shapes.facts(shapes.run(shapes.ShapeConfig(op="cat"))).shares
    assert shapes.facts(shapes.run(shapes.ShapeConfig(op="squeeze", dim=0))).unchanged  # (2, 3): no dim of length 1
    assert not shapes.facts(shapes.run(shapes.ShapeConfig(a="1x3", op="squeeze", dim=0))).unchanged
    assert shapes.facts(shapes.run(shapes.ShapeConfig(op="add", b="1x3"))).expanded == (2, 3)
    r = shapes.run(shapes.ShapeConfig(op="t_view", target="-1"))
    assert r.reason == "view_stride" and "view" in r.error and "reshape" in r.error


# ------------------------------------------------------------------ autograd

def test_grad_equals_the_hand_derivative_and_the_graph_is_autograds():
    for expr in pt.EXPRESSIONS:
        for w, b, c in itertools.product((-1.5, -0.3, 0.0, 0.8), (-1.0, 0.1, 1.7), (-2.0, 0.5, 1.0)):
            r = pt.autograd(pt.GradConfig(expr=expr, w=w, b=b, c=c))
            f = pt.grad_facts(r)
            assert f.agree and f.doubled and f.sums and f.graph_ok, (expr, w, b, c, f)
            ref = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
                   for k, v in (("w", w), ("b", b), ("c", c))}
            loss = graph.forward(expr, ref)[-1][2]
            loss.backward()
            for k, g in zip(r.table.leaf, r.table.grad):
                assert g == ref[k].grad.item()
            dot = pt.dot(r, {"leaf": "#000001", "op": "#000002", "loss": "#000003"}, "#000004")
            for name, *_ in r.nodes:
                assert f"\n{name} [" in dot
            assert dot.startswith("digraph") and dot.rstrip().endswith("}")


def test_forgetting_zero_grad_adds_the_gradients_up():
    r = pt.autograd(pt.GradConfig(expr="neuron", steps=8))
    s = r.steps
    kept = s[s["mode"] == "zero_grad"]
    assert np.allclose(kept.grad, kept.fresh, rtol=0, atol=0)  # with zero_grad: the fresh gradient itself
    assert pt.grad_facts(r).sums and pt.grad_facts(r).grows


# ------------------------------------------------------------------ data

def test_batches_are_a_real_dataloaders():
    """The data part's batches equal a DataLoader built here from the settings and a generator seeded with the
    page's torch seed, epoch after epoch."""
    for n, bs, shuffle, drop, seed in itertools.product((2, 7, 10, 40), (1, 3, 4, 40), (True, False), (True, False),
                                                        (0, 5)):
        cfg = pt.LoaderConfig(n=n, batch_size=bs, shuffle=shuffle, drop_last=drop, epochs=3, seed=seed)
        r = pt.batches(cfg)
        g = torch.Generator().manual_seed(rng.seed_of(seed, loader.PURPOSE))
        dl = DataLoader(list(range(n)), batch_size=bs, shuffle=shuffle, drop_last=drop, generator=g)
        want = [[b.tolist() for b in dl] for _ in range(3)]
        assert r.batches == want, cfg
        f = pt.loader_facts(r)
        assert f.per_epoch == f.expected == len(want[0]) and f.once
        assert f.dropped == (n % bs if drop and bs <= n else n if drop else 0)
        assert f.same_order == (not shuffle or all(e == want[0] for e in want))
        kept = r.table[~r.table.dropped]
        assert len(kept) == 3 * sum(len(b) for b in want[0])


# ------------------------------------------------------------------ bugs

def test_the_shape_bug_is_what_mseloss_does():
    import warnings

    p, y = torch.randn(5, 1, generator=torch.Generator().manual_seed(1)), torch.arange(5.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = nn.MSELoss()(p, y)
    assert torch.equal(bug_loss(pt.tasks.prepare("seattle", 0), p, y, "shape"), want)
    assert "different to the input size" in pt.bugs(pt.BugConfig(bug="shape")).warning


def test_seeded_dropout_is_dropout():
    g = torch.Generator().manual_seed(0)
    d = pt.SeededDropout(0.5, g)
    x = torch.ones(2000, 50)
    y = d.train()(x)
    assert set(torch.unique(y).tolist()) <= {0.0, 2.0} and abs((y == 0).float().mean().item() - 0.5) < 0.02
    assert torch.equal(d.eval()(x), x)


@pytest.mark.claim
@pytest.mark.parametrize("bug", pt.BUGS)
def test_claim_each_bug_does_what_the_page_says(bug):
    """Each bug's sentence (core.pytorch.bug_facts) holds on every one of ten seeds."""
    seen = []
    for s in SEEDS:
        r = pt.bugs(pt.BugConfig(bug=bug, seed=s))
        f = pt.bug_facts(r)
        assert f.holds and f.key != "other", (s, f)
        seen.append(f.numbers)
        if bug == "softmax":
            assert float(np.nanmin(r.broken.log.losses)) >= FLOOR
    print(bug, _worst(bug, seen))


def _worst(bug: str, seen: list[dict]) -> dict:
    """The numbers nearest each bug's thresholds over the seeds (printed for the closing note)."""
    if bug == "zero_grad":
        return {"latest divergence": max(x["diverged_at"] or 10**9 for x in seen)}
    if bug == "shape":
        return {"broken/baseline min": min(x["broken"] / x["baseline"] for x in seen),
                "correct/baseline max": max(x["correct"] / x["baseline"] for x in seen)}
    if bug == "softmax":
        return {"accuracy gap min": min(x["acc_correct"] - x["acc_broken"] for x in seen)}
    if bug == "eval":
        return {"broken/correct min": min(x["broken"] / x["correct"] for x in seen)}
    if bug == "lr":
        return {"latest divergence": max(x["diverged_at"] for x in seen)}
    if bug == "shuffle":
        return {"broken accuracy max": max(x["acc_broken"] for x in seen),
                "correct accuracy min": min(x["acc_correct"] for x in seen)}
    return {"bytes per batch": seen[0]["per_batch"]}


# ------------------------------------------------------------------ charts

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_builds_a_valid_spec(lang):
    r = pt.train_script(pt.ScriptConfig(epochs=3), device="cpu")
    for e in range(4):
        charts.loss_chart(r, e, lang).to_dict()
        charts.pred_chart(r, e, lang).to_dict()
    for cfg in (pt.ShapeConfig(), pt.ShapeConfig(a="2x2x3", op="stack", b="2x2x3", dim=1),
                pt.ShapeConfig(a="4", op="unsqueeze", dim=1)):
        s = pt.shape(cfg)
        charts.tensor_chart(s.out, s.origin, lang).to_dict()
        charts.tensor_chart(s.a, None, lang).to_dict()
    charts.batches_chart(pt.batches(pt.LoaderConfig(drop_last=True)), lang).to_dict()
    g = pt.autograd(pt.GradConfig(expr="neuron"))
    charts.grad_chart(g, lang).to_dict()
    charts.step_loss_chart(g, lang).to_dict()
    for bug in ("zero_grad", "no_grad", "lr"):
        b = pt.bugs(pt.BugConfig(bug=bug))
        for side in ("broken", "correct"):
            charts.bug_chart(b, side, lang).to_dict()
        if b.memory is not None:
            charts.memory_chart(b, lang).to_dict()
