"""Take it home: every page's training experiment as a script (and a notebook) that reproduces the page's numbers.

For each training part in ``PAGES``: the script of the default setting (commented in 中文) and of one preset (in
English), all run in one separate process (CPU, one thread; ``takehome.run_many``: the interpreter and torch start
once), and every number they print equals core's result for the same config within ``REL`` (they print 8
significant digits: equal on this machine up to that rounding). Without running anything: the notebook validates and its code
cells joined are the script, the script is 30-80 lines, imports nothing of this project, and its comments are in
the session's language. A new page adds its configs to ``PAGES`` and a test that compares its printed numbers.
"""
from __future__ import annotations

import re
import sys

import nbformat
import pytest

from core import backprop, batches, fitting, generative, regression, rnn, softmax, spatial, takehome, train
from core import attention
from core import critical
from core import overfitting
from core import convolution
from core import optimizers

REL = 1e-7  # printed with 8 significant digits: half a unit of the last is at most 5e-8 of the value
CJK = re.compile(r"[\u4e00-\u9fff]")

# training part -> (script(cfg, lang), file name, default config, one preset's config (the page's "Try this" values))
PAGES = {
    "regression": (regression.script, regression.SCRIPT_FILE, regression.RegConfig(),
                   regression.RegConfig(lr=0.4)),  # preset "large": diverges, the script must stop where the page does
    "batches_paths": (batches.paths_script, batches.PATHS_FILE, batches.PathConfig(),
                      batches.PathConfig(lr=0.3)),  # preset "big_lr"
    "batches_lab": (batches.lab_script, batches.LAB_FILE, batches.LabConfig(),  # the preset "lab" is the default:
                    batches.LabConfig(smallest=16, epochs=1, lr=0.5, hidden=8)),  # a cheap other setting instead
    "generative": (generative.script, generative.SCRIPT_FILE, generative.CurveConfig(),
                   generative.CurveConfig(data="wine", covariance="shrinkage")),  # a real data set, a shrunk Σ
    # the race's default (T = 30, 200 updates) costs about 10 CPU s in core and as much again as a script: CI runs two
    # settings of the same template at a tenth of that (the default was compared by hand: equal)
    "rnn": (rnn.script, rnn.SCRIPT_FILE, rnn.RaceConfig(gap=10, updates=100),
            rnn.RaceConfig(gap=5, updates=100, gate_bias=0.0)),  # preset "bias0"'s bias, at a shorter gap
    "rnn_slots": (rnn.slots_script, rnn.SLOTS_FILE, rnn.SlotConfig(steps=60),  # fewer updates than the page's 150
                  rnn.SlotConfig(steps=60, inputs="embedding", seed=3)),  # the learned word vectors, another seed
    "rnn_overfit": (rnn.overfit_script, rnn.OVERFIT_FILE, rnn.OverfitConfig(),  # the part has no preset: the largest
                    rnn.OverfitConfig(n=400, seed=3)),  # training set, another seed
    "fitting": (fitting.script, fitting.SCRIPT_FILE, fitting.FitConfig(),
                fitting.preset("blowup")),  # SGD at lr 100: diverges, the script must stop where the page does
    "softmax": (softmax.script, softmax.SCRIPT_FILE, softmax.ClassifyConfig(),  # wine, cross-entropy
                softmax.ClassifyConfig(data="spirals")),  # preset "spirals": synthetic data drawn in the script
    "backprop": (backprop.script, backprop.SCRIPT_FILE, backprop.VanishConfig(),  # the vanishing part (no training)
                 backprop.VanishConfig(depth=12, seeds=10)),  # preset "deep"
    # the race's default (6 epochs) costs about 2 CPU s in core and as much again as a script: CI runs it and the preset
    # "augment" at 2 epochs (both compared by hand at 6: equal)
    "spatial": (spatial.script, spatial.SCRIPT_FILE, spatial.TrainConfig(epochs=2),
                spatial.TrainConfig(augment=True, epochs=2)),  # preset "augment": the third racer's fresh distortions
    # the tiny transformer's default (150 updates) and the preset "sort" (300) cost about 1 and 2 CPU s in core
    # and as much again as a script (both compared by hand: equal): CI runs 50 updates of the default and of the
    # preset's task with the template's other branches (sinusoidal positions, two blocks, four heads)
    "attention_train": (attention.train_script, attention.TRAIN_FILE, attention.TrainConfig(steps=50),
                        attention.TrainConfig(task="sort", steps=50, pe="sinusoidal", layers=2, heads=4)),
    "attention_rnn": (attention.rnn_script, attention.RNN_FILE, attention.RnnConfig(),  # the part's preset "rnn" is
                      attention.RnnConfig(cell="GRU", hidden=32, steps=50)),  # the default: the other cell instead
    # the images part's default (3 sizes, 150 updates) costs about 1.5 CPU s in core and as much again as a script
    # (compared by hand: equal); it has no preset: CI runs 50 updates of two other size ranges
    "attention_images": (attention.images_script, attention.IMAGES_FILE, attention.ImagesConfig(sizes=2, steps=50),
                         attention.ImagesConfig(smallest=20, largest=200, sizes=3, steps=50)),
    # the minimum-ratio experiment's default (16 networks of 8 units, 300 Adam steps, 40 L-BFGS iterations) costs about
    # 9 CPU s in core and as much again as a script (compared by hand: equal): CI runs two cheaper settings of it
    "critical_ratio": (critical.ratio_script, critical.RATIO_FILE, critical.RatioConfig(runs=4, hidden=2, steps=100),
                       critical.RatioConfig(runs=4, hidden=4, steps=25, lr=0.1)),
    "critical_slice": (critical.slice_script, critical.SLICE_FILE, critical.PointConfig(name="network slice"),  # no
                       critical.PointConfig(name="network slice", x=0.5, y=-0.3, seed=3)),  # preset: another point
    # the race's default (200 steps) costs about 1.5 CPU s in core and as much again as a script: CI runs the default
    # and the preset "anywhere" with augmentation on at 100 steps (both compared by hand at 200: equal to the last bit)
    "convolution_race": (convolution.race_script, convolution.RACE_FILE, convolution.RaceConfig(steps=100),
                         convolution.RaceConfig(placement="random", augment=True, steps=100)),
    "convolution_depth": (convolution.depth_script, convolution.DEPTH_FILE, convolution.DepthConfig(),  # no preset:
                          convolution.DepthConfig(deep_width=4, deep_train=100, seed=1)),  # a cheap other setting
    # the real race's default (the six racers on the default surface, 300 updates) costs several CPU s in core and as
    # much again as a script (compared by hand: equal): CI runs it at 50 updates, and the other racers (the lecture's
    # Adagrad among them) at ×10 their η on another seed, batch and width: no preset trains the real race. The warm-up
    # part (no preset either): its default at 100 of its 200 updates (compared by hand at 200: equal), and a cheap other
    # setting
    "optimizers_real": (optimizers.real_script, optimizers.REAL_FILE,
                        optimizers.RealConfig(racers=tuple(r.name for r in optimizers.RACERS if r.lr > 0), steps=50),
                        optimizers.RealConfig(racers=("Momentum (PyTorch)", "Nesterov", "Adagrad (lecture)",
                                                      "RMSProp (PyTorch)", "AdamW"), lr_scale=10.0, steps=40,
                                              batch=64, hidden=16, seed=3)),
    "optimizers_warmup": (optimizers.warmup_script, optimizers.WARMUP_FILE, optimizers.WarmupConfig(steps=100),
                          optimizers.WarmupConfig(lr=0.1, warm=30, after="constant", depth=8, steps=100, seed=1)),
    # the surface race: its default and the preset "settle" (minibatches of 4, a cosine schedule), both at 100 of their 200
    # steps (compared by hand at 200: equal; by hand also every schedule, both Adagrads, β = 0 and a divergence: equal)
    "optimizers_race": (optimizers.race_script, optimizers.RACE_FILE, optimizers.RaceConfig(steps=100),
                        optimizers.RaceConfig(batch=4, schedule="cosine", steps=100,
                                              lrs=optimizers.only(sgd=0.15, mom_lecture=0.03, adam=0.1))),
    "overfitting_guide": (overfitting.guide_script, overfitting.GUIDE_FILE, overfitting.GuideConfig(),  # the preset
                          # "optim" is the default: a cheap other setting (Adam, ReLU, a small training set) instead
                          overfitting.GuideConfig(layers=2, width=8, act="ReLU", optimizer="Adam", n=60)),
    "overfitting_depth": (overfitting.depth_script, overfitting.DEPTH_FILE, overfitting.DepthConfig(),
                          overfitting.DepthConfig(act="ReLU", optimizer="Adam")),  # preset "adam"
    "overfitting_cures": (overfitting.cures_script, overfitting.CURES_FILE, overfitting.CuresConfig(),  # the preset
                          # "l2" only picks the drawn cure (same run): a cheap other setting of every cure instead
                          overfitting.CuresConfig(n=60, n_more=120, noise=0.3, units=4, patience=100,
                                                  weight_decay=0.01, dropout=0.2)),
    "overfitting_augment": (overfitting.augment_script, overfitting.AUGMENT_FILE, overfitting.AugmentConfig(),  # no
                            overfitting.AugmentConfig(n=100, seed=3)),  # preset sets it: a larger set, another seed
}
CASES = [(p, which, lang) for p in PAGES for which in (2, 3) for lang in ("en", "zh")]


def _script(page: str, which: int, lang: str) -> str:
    make = PAGES[page][0]
    return make(PAGES[page][which], lang)


@pytest.mark.parametrize("page,which,lang", CASES)
def test_script_is_short_whole_commented_and_a_notebook(page, which, lang):
    text = _script(page, which, lang)
    assert 30 <= takehome.lines(text) <= 80, takehome.lines(text)
    compile(text, PAGES[page][1], "exec")
    assert not re.search(r"^\s*(from|import)\s+(core|pages)\b", text, re.M)  # self-contained
    imported = set(re.findall(r"^\s*(?:from|import)\s+(\w+)", text, re.M)) - set(sys.stdlib_module_names)
    assert imported <= {"torch", "numpy", "sklearn", "vega_datasets"}, imported
    blocks = takehome.sections(text)
    assert [b.title.split(" · ", 1)[0] for b in blocks[1:]] == [str(i) for i in range(1, len(takehome.SECTIONS) + 1)]
    assert "\n\n".join(b.text for b in blocks) + "\n" == text  # the sections are the script, cut
    nb = takehome.notebook(text, lang)
    nbformat.validate(nbformat.reads(nb.decode("utf-8"), as_version=4))
    assert takehome.code_of(nb) == text
    assert takehome.notebook(text, lang) == nb  # same script, same bytes
    comments = "".join(re.findall(r"#.*", text))
    assert bool(CJK.search(comments)) == (lang == "zh")
    assert not CJK.search(re.sub(r"#.*", "", text))  # the code itself is the same in both languages


@pytest.fixture(scope="session")
def printed_by():
    """Every part's default (中文) and preset (English) scripts, run in ONE separate process (CPU, one thread):
    the interpreter and torch start once for all of them. {part: {2: stdout, 3: stdout}}."""
    texts = {f"{p}_{w}.py": _script(p, w, "zh" if w == 2 else "en") for p in PAGES for w in (2, 3)}
    outs = takehome.run_many(texts, threads=1)
    for name, out in outs.items():
        assert out.returncode == 0, out.stderr[-2000:]
    return {p: {w: outs[f"{p}_{w}.py"].stdout for w in (2, 3)} for p in PAGES}


def _close(got: list[float], want: list[float]) -> None:
    assert len(got) == len(want), (got, want)
    assert got == pytest.approx(want, rel=REL, abs=1e-12)


def test_regression_scripts_print_the_pages_numbers(printed_by):
    out = printed_by["regression"]
    for which in (2, 3):
        cfg, stdout = PAGES["regression"][which], out[which]
        r = regression.fit(cfg)
        every = max(1, cfg.steps // 10)
        logged = [s for s in range(every, r.last + 1, every)]  # steps whose loss the loop printed
        d = r.log.diverged_at[0]
        assert re.findall(r"diverged at step (\d+)", stdout) == ([str(d)] if d else [])
        if d:  # the loop prints before the update it would make, so the step that diverged is not logged
            logged = [s for s in range(every, d, every)]
        _close(takehome.printed(stdout, "loss"), [r.losses[s - 1] for s in logged])
        _close(takehome.printed(stdout, "updates"), [r.last])
        _close(takehome.printed(stdout, "w"), [r.path[-1][0], r.optimum[0]])
        _close(takehome.printed(stdout, "b"), [r.path[-1][1], r.optimum[1]])
        _close(takehome.printed(stdout, "final"), [r.losses[-1], r.optimum[2]])
        _close(takehome.printed(stdout, "stable"), [r.stable_lr])
    assert regression.fit(PAGES["regression"][3]).log.diverged  # the preset checks the divergence path


@pytest.fixture
def no_guard(monkeypatch):
    """Core's runs without the wall-time guard (on a busy test machine it may cut the lab, and a cut run is not
    what the page shows as the answer: it says the server is busy instead), and on the CPU, where the scripts run
    (the lab would take a GPU where there is one; so would the script, outside the test)."""
    monkeypatch.setattr(train, "GUARD_SECONDS", 1e9)
    monkeypatch.setenv("DLC_DEVICE", "cpu")


def test_batches_paths_scripts_print_the_pages_numbers(printed_by):
    out = printed_by["batches_paths"]
    for which in (2, 3):
        r, stdout = batches.paths(PAGES["batches_paths"][which]), out[which]
        opt = [line for line in stdout.splitlines() if line.startswith("optimum")]
        _close([takehome.printed(opt[0], k)[0] for k in ("w", "b", "final")], list(r.optimum))
        for m in batches.METHODS:
            p, per, d = r.path(m), r.per_epoch[m], r.logs[m].diverged_at[0]
            mine = "\n".join(line for line in stdout.splitlines() if line.startswith(f"{m}:"))
            assert re.findall(r"diverged at update (\d+)", mine) == ([str(d)] if d else [])
            u = p["update"]
            ends = p[(u > 0) & (u % per == 0)]  # the loss on all N after each whole epoch
            _close(takehome.printed(mine, "updates"), ends["update"].tolist())
            _close(takehome.printed(mine, "loss"), ends.loss.tolist())
            _close(takehome.printed(mine, "total"), [r.updates(m)])
            _close(takehome.printed(mine, "w"), [p.w.iloc[-1]])
            _close(takehome.printed(mine, "b"), [p.b.iloc[-1]])
            _close(takehome.printed(mine, "final"), [p.loss.iloc[-1]])
            _close(takehome.printed(mine, "above"), [p.loss.iloc[-1] - r.optimum[2]])


def test_batches_lab_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["batches_lab"]
    for which in (2, 3):
        lab, stdout = batches.batch_lab(PAGES["batches_lab"][which]), out[which]
        assert not any(log.stopped == "time" for log in lab.logs.values())
        for B in lab.table.batch:
            mine = "\n".join(line for line in stdout.splitlines() if line.startswith(f"B {B} "))
            h = lab.history[lab.history.batch == B]
            _close(takehome.printed(mine, "epoch"), h.epoch.tolist())
            _close(takehome.printed(mine, "loss"), h.train_loss.tolist())
            _close(takehome.printed(mine, "train_acc"), h.train_acc.tolist())
            _close(takehome.printed(mine, "val_acc"), h.val_acc.tolist())
            row = lab.table[lab.table.batch == B].iloc[0]
            final = [line for line in stdout.splitlines() if line.startswith(f"B {B}:")]
            _close(takehome.printed(final[0], "train_acc") + takehome.printed(final[0], "val_acc"),
                   [row.train_acc, row.val_acc])
            assert f"after {row.updates} updates" in final[0]


def test_generative_scripts_print_the_pages_numbers(printed_by):
    out = printed_by["generative"]
    for which in (2, 3):
        r, stdout = generative.boundary(PAGES["generative"][which]), out[which]
        for name, m in (("generative", "generative"), ("logistic", "logistic regression")):
            line = r.lines[m]
            said = [ln for ln in stdout.splitlines() if ln.startswith(f"{name} w")]
            assert len(said) == (line is not None)
            if line is not None:
                _close(takehome.printed(said[0], "w") + takehome.printed(said[0], "b"), [*line[0][:1], line[1]])
                _close([float(said[0].split()[3])], [line[0][1]])
        acc = [ln for ln in stdout.splitlines() if ln.startswith("accuracy")][0]
        _close([takehome.printed(acc, "generative")[0], takehome.printed(acc, "logistic")[0]],
               [r.accuracy["generative"], r.accuracy["logistic regression"]])


def test_rnn_race_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["rnn"]
    for which in (2, 3):
        r, stdout = rnn.race(PAGES["rnn"][which]), out[which]
        for k in rnn.KINDS:
            mine = "\n".join(ln for ln in stdout.splitlines() if f" {k} accuracy" in ln and ln.startswith("update"))
            h = r.history[r.history.model == k]
            _close(takehome.printed(mine, "update"), h["update"].tolist())
            _close(takehome.printed(mine, "accuracy"), h.accuracy.tolist())
            _close(takehome.printed(mine, "loss"), h.loss.tolist())
            final = [ln for ln in stdout.splitlines() if ln.startswith(f"final {k} ")]
            _close(takehome.printed(final[0], "accuracy"), [r.accuracy[k]])


def test_rnn_slots_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["rnn_slots"]
    for which in (2, 3):
        r, stdout = rnn.tag(PAGES["rnn_slots"][which]), out[which]
        last = [ln for ln in stdout.splitlines() if ln.startswith("feed-forward loss")][0]
        _close([takehome.printed(last, f"{k} loss")[0] for k in rnn.slots.MODELS], r.log.losses[-1].tolist())
        for k in rnn.slots.MODELS:
            for o in rnn.ORDERS:
                line = [ln for ln in stdout.splitlines() if ln.startswith(f"{k} {o}:")][0]
                _close(takehome.printed(line, "accuracy"), [r.city_accuracy[k][o]])


def test_rnn_overfit_scripts_print_the_pages_numbers(printed_by, no_guard):
    """Every accuracy the part draws (each cell, training and validation, at every measured update) and the final
    ones, as the script prints them."""
    out = printed_by["rnn_overfit"]
    for which in (2, 3):
        r, stdout = rnn.overfit(PAGES["rnn_overfit"][which]), out[which]
        said = [ln.split() for ln in stdout.splitlines() if ln.startswith("update ")]
        want = {(int(u), k, s): a for u, k, s, a in r.history[["update", "model", "split", "accuracy"]].itertuples(
            index=False)}
        got = {(int(w[1]), w[2], s): float(w[w.index(s) + 1]) for w in said for s in ("train", "validation")}
        assert got.keys() == want.keys()
        _close([got[k] for k in want], list(want.values()))
        for k in rnn.CELLS:
            final = [ln for ln in stdout.splitlines() if ln.startswith(f"final {k} ")][0]
            _close(takehome.printed(final, "train") + takehome.printed(final, "validation"),
                   [r.train_acc[k], r.val_acc[k]])


def test_fitting_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["fitting"]
    for which in (2, 3):
        r, stdout = fitting.fit(PAGES["fitting"][which]), out[which]
        div = [d for d in r.log.diverged_at if d is not None]
        assert re.findall(r"diverged at update (\d+)", stdout) == ([str(min(div))] if div else [])
        every, h = max(1, r.plan.epochs // 10), r.history
        epochs = sorted(e for e in set(h.epoch) if e % every == 0 or e == r.plan.epochs)  # the epochs it printed
        said = [ln for ln in stdout.splitlines() if ln.startswith("epoch ")]
        _close(takehome.printed("\n".join(said), "epoch"), epochs)
        for m in fitting.NAMES:
            for split in fitting.SPLITS:
                want = [h[(h.epoch == e) & (h.model == m) & (h.split == split)].loss.iloc[0] for e in epochs]
                _close([takehome.printed(ln.split(f" {m} ")[1], split)[0] for ln in said], want)
                if not div:
                    final = [ln for ln in stdout.splitlines() if ln.startswith("final ")][0]
                    _close([takehome.printed(final.split(f" {m} ")[1], split)[0]], [r.final_loss(m, split)])
        if not div:
            _close(takehome.printed(stdout, "revived"), [int(r.revived.sum())])
        assert bool(div) == (which == 3)  # the preset checks the divergence path


def test_softmax_classifier_scripts_print_the_pages_numbers(printed_by):
    out = printed_by["softmax"]
    for which in (2, 3):
        r, stdout = softmax.classify(PAGES["softmax"][which]), out[which]
        for split in softmax.SPLITS:
            said = [ln for ln in stdout.splitlines() if ln.startswith("step ") and f" {split} " in ln]
            steps = [int(s) for s in takehome.printed("\n".join(said), "step")]
            assert steps[0] == 0 and steps[-1] == r.config.steps, steps
            for m, key in zip(softmax.MODELS, (" regression ", " network ")):
                h = r.history[(r.history.model == m) & (r.history.split == split)].set_index("step")
                for column in ("loss", "accuracy"):
                    got = [takehome.printed(ln.split(key)[1], column)[0] for ln in said]
                    _close(got, h.loc[steps, column].tolist())
        f = softmax.classify_facts(r)  # the page's metrics and notice: the final accuracies, training cross-entropy
        last = {s: [ln for ln in stdout.splitlines() if ln.startswith(f"step {r.config.steps} {s} ")][0]
                for s in softmax.SPLITS}
        for m, key in zip(softmax.MODELS, (" regression ", " network ")):
            for s in softmax.SPLITS:
                _close([takehome.printed(last[s].split(key)[1], "accuracy")[0]], [f["accuracy"][m, s]])
        _close([takehome.printed(last["train"], "loss")[i] for i in (0, 1)], [f["ce_lin"], f["ce_net"]])


def test_backprop_vanishing_scripts_print_the_pages_numbers(printed_by):
    out = printed_by["backprop"]
    for which in (2, 3):
        r, stdout = backprop.stacks(PAGES["backprop"][which]), out[which]
        for kind, stack in r.stacks.items():
            for run in range(r.config.seeds):
                for what, want in (("sizes", stack.grad[run]), ("slopes", stack.slope[run])):
                    said = [ln for ln in stdout.splitlines() if ln.startswith(f"{kind} run {run} {what} ")]
                    _close([float(v) for v in said[0].split()[4:]], want.tolist())
        f = backprop.vanish_facts(r)  # the numbers of the page's caption
        _close([takehome.printed(stdout, k)[0] for k in ("worst", "low", "high", "mean", "product")],
               [f.sigmoid_worst, f.relu_low, f.relu_high, f.slope_mean, f.slope_product])


def test_spatial_race_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["spatial"]
    for which in (2, 3):
        r, stdout = spatial.race(PAGES["spatial"][which]), out[which]
        said = [ln for ln in stdout.splitlines() if ln.startswith("epoch ")]
        epochs = sorted(set(r.history.epoch))  # the epochs the page measured
        _close(takehome.printed("\n".join(said), "epoch"), epochs)
        for k in r.config.racers():
            h = r.history[r.history.model == k].set_index("epoch")
            _close([takehome.printed(ln, k)[0] for ln in said], h.loc[epochs, "accuracy"].tolist())
        _close([takehome.printed(said[-1], k)[0] for k in r.config.racers()], list(r.final().values()))


def test_attention_train_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["attention_train"]
    for which in (2, 3):
        r, stdout = attention.train_tiny(PAGES["attention_train"][which]), out[which]
        said = [ln for ln in stdout.splitlines() if ln.startswith("step ")]
        for m, (key, name) in enumerate(zip(("with_pe", "without_pe"), attention.MODEL_NAMES)):
            h, mine = r.history[r.history.model == name], [ln.split(f" {key} ")[1] for ln in said]
            _close(takehome.printed("\n".join(said), "step"), h.step.tolist())
            _close([takehome.printed(ln, "loss")[0] for ln in mine], h.loss.tolist())
            _close([takehome.printed(ln, "accuracy")[0] for ln in mine], h.accuracy.tolist())
            final = [ln for ln in stdout.splitlines() if ln.startswith(f"final {key} ")][0]
            _close(takehome.printed(final, "accuracy") + takehome.printed(final, "exact"), [r.accuracy[m], r.exact[m]])
        shown, answers = [ln.split()[1:] for ln in stdout.splitlines() if ln.startswith("example ")]
        T = r.config.length  # "input x.. target y.." and "with_pe p0.. without_pe p1.."
        assert [shown[1:T + 1], shown[T + 2:]] == [[str(v) for v in s] for s in r.example]
        assert [answers[1:T + 1], answers[T + 2:]] == [[str(v) for v in p] for p in r.predicted.tolist()]


def test_critical_ratio_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["critical_ratio"]
    for which in (2, 3):
        r, stdout = critical.min_ratio(PAGES["critical_ratio"][which]), out[which]
        t = r.table  # one row per network the page keeps, in its order
        for column, key in (("run", "run"), ("loss", "loss"), ("grad_start", "g_adam"), ("grad_norm", "g"),
                            ("reached", "reached"), ("negative", "negative"), ("near_zero", "zero"),
                            ("positive", "positive"), ("min_ratio", "ratio"), ("lambda_min", "lambda_min")):
            _close(takehome.printed(stdout, key), t[column].astype(float).tolist())


def test_attention_rnn_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["attention_rnn"]
    for which in (2, 3):
        r, stdout = attention.train_rnn(PAGES["attention_rnn"][which]), out[which]
        assert not r.log.diverged
        steps = [int(s) for s in takehome.printed(stdout, "step")]
        assert steps[-1] == r.config.steps, steps
        _close(takehome.printed(stdout, "loss"), r.history.set_index("step").loc[steps, "loss"].tolist())
        _close(takehome.printed(stdout, "distance"), r.distance.tolist())
        _close(takehome.printed(stdout, "accuracy"), [*r.position_accuracy.tolist(), r.accuracy])
        _close(takehome.printed(stdout, "steps"), [r.sequential_steps])


def test_convolution_scripts_print_the_pages_numbers(printed_by, no_guard):
    for which in (2, 3):  # the race: both networks' training and test accuracy at every step the page measures
        r, stdout = convolution.race(PAGES["convolution_race"][which]), printed_by["convolution_race"][which]
        said = [ln for ln in stdout.splitlines() if ln.startswith("step ")]
        steps = sorted(set(r.history.step))
        _close(takehome.printed("\n".join(said), "step"), steps)
        for m, key in zip(convolution.MODELS, ("cnn", "fc")):
            for split in ("train", "test"):
                h = r.history[(r.history.model == m) & (r.history.split == split)].set_index("step")
                _close([takehome.printed(ln, f"{key}_{split}")[0] for ln in said], h.loc[steps, "accuracy"].tolist())
            final = [ln for ln in stdout.splitlines() if ln.startswith(f"final {key} ")][0]
            _close(takehome.printed(final, "accuracy"), [r.accuracy[0, convolution.MODELS.index(m)]])
            wrong = r.confusion[m].sum(1) - r.confusion[m].diagonal()  # the confusion matrix's errors per digit
            assert final.split("errors ")[1] == str(wrong.tolist())
    for which in (2, 3):  # the depth part: both networks' test accuracy, parameters and the page's sentence
        r, stdout = convolution.depth(PAGES["convolution_depth"][which]), printed_by["convolution_depth"][which]
        said = [ln for ln in stdout.splitlines() if ln.startswith("step ")]
        steps = sorted(set(r.history.step))
        _close(takehome.printed("\n".join(said), "step"), steps)
        for m in convolution.DEPTH_MODELS:
            h = r.history[r.history.model == m].set_index("step")
            _close([takehome.printed(ln, m)[0] for ln in said], h.loc[steps, "accuracy"].tolist())
        _close(takehome.printed(stdout, "deep")[:1] + takehome.printed(stdout, "wide")[:1],
               [r.params["deep"], r.params["wide"]])
        final = [ln for ln in stdout.splitlines() if ln.startswith("final ")][0]
        f = convolution.depth_facts(r)
        _close([takehome.printed(final, "accuracy")[i] for i in (0, 1)], [f.deep, f.wide])
        assert final.endswith({"wide": "wide ahead", "deep": "deep ahead", "close": "close"}[f.note])


def test_optimizers_real_race_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["optimizers_real"]
    for which in (2, 3):
        r, stdout = optimizers.real_race(PAGES["optimizers_real"][which]), out[which]
        f = optimizers.real_facts(r)  # the notice's numbers: the mean loss over the first updates, the accuracies
        every = max(1, r.config.steps // optimizers.takehome.PRINTS)
        assert [ln.split(":")[0] for ln in stdout.splitlines() if " updates " in ln] == r.racers
        for n in r.racers:
            h = r.history[r.history.optimizer == n]
            said = [ln for ln in stdout.splitlines() if ln.startswith(f"{n}: ")]
            _close([float(v) for v in said[0].split(" losses ")[1].split()], h.loss.tolist()[every - 1::every])
            _close(takehome.printed(said[1], "updates") + takehome.printed(said[1], "mean")
                   + takehome.printed(said[1], "final") + takehome.printed(said[1], "val_acc"),
                   [len(h), dict(f.by_loss)[n], h.loss.iloc[-1], r.val_acc[n]])


def test_optimizers_warmup_scripts_print_the_pages_numbers(printed_by):
    out = printed_by["optimizers_warmup"]
    for which in (2, 3):
        r, stdout = optimizers.warmup_runs(PAGES["optimizers_warmup"][which]), out[which]
        f = optimizers.warmup_facts(r)  # the notice's numbers
        assert not f.diverged
        for k, run in enumerate(optimizers.RUNS):
            said = [ln for ln in stdout.splitlines() if ln.startswith(f"{run}: update ")]
            _close(takehome.printed("\n".join(said), "update"), r.probe_step.tolist())
            _close(takehome.printed("\n".join(said), "dead"), r.dead[:, k, 0].tolist())
            _close(takehome.printed("\n".join(said), "val_acc"), r.val_acc[:, k, 0].tolist())
            loss = [ln for ln in stdout.splitlines() if ln.startswith(f"{run}: loss ")][0]
            _close([float(v) for v in loss.split()[2:]], r.loss[optimizers.warmup.PROBE_EVERY - 1::
                                                                 optimizers.warmup.PROBE_EVERY, k, 0].tolist())
            final = [ln for ln in stdout.splitlines() if ln.startswith(f"{run}: warm_dead ")][0]
            _close([takehome.printed(final, key)[0] for key in ("warm_dead", "end_dead", "end_acc")],
                   [f.dead_warm[k], f.dead_end[k], f.acc_end[k]])


def test_optimizers_race_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["optimizers_race"]
    for which in (2, 3):
        r, stdout = optimizers.race(PAGES["optimizers_race"][which]), out[which]
        every = max(1, r.config.steps // optimizers.takehome.PRINTS)
        assert r.racers and all(d is None for d in r.log.diverged_at)
        for k, n in enumerate(r.racers):
            said = [ln for ln in stdout.splitlines() if ln.startswith(f"{n}: ")]
            _close([float(v) for v in said[0].split(" loss ")[1].split()], r.loss[k, ::every].tolist())
            _close([takehome.printed(said[1], key)[0] for key in ("x", "y", "final", "at_minimum")],
                   [*r.path[k, -1], r.loss[k, -1], r.reached[k].mean()])


def _overfitting_losses(stdout: str, history, models) -> None:
    """The losses the script printed (every takehome SHOW updates, model m's line) against the page's history."""
    said = [ln for ln in stdout.splitlines() if ln.startswith("step ")]
    for m, name in enumerate(models):
        mine = [ln for ln in said if f" model {m} " in ln]
        steps = takehome.printed("\n".join(mine), "step")
        assert steps == list(range(0, int(history.step.max()) + 1, overfitting.takehome.SHOW)), steps
        h = history[history.model == name]
        for split in ("train", "validation"):
            want = h[h.split == split].set_index("step").loc[steps, "loss"].tolist()
            _close([takehome.printed(ln, split)[0] for ln in mine], want)


def test_overfitting_guide_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["overfitting_guide"]
    for which in (2, 3):
        r, stdout = overfitting.guide(PAGES["overfitting_guide"][which]), out[which]
        _overfitting_losses(stdout, r.history, overfitting.GUIDE_MODELS)
        said = [ln for ln in stdout.splitlines() if ln.startswith("least squares")][0]
        _close([takehome.printed(said, "train")[0], takehome.printed(said, "validation")[0],
                takehome.printed(said, "test")[0]], [r.lin_train, r.lin_val, r.test])
        assert f"verdict: {r.verdict}\n" in stdout


def test_overfitting_depth_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["overfitting_depth"]
    for which in (2, 3):
        r, stdout = overfitting.depth(PAGES["overfitting_depth"][which]), out[which]
        _overfitting_losses(stdout, r.history, [f"{d} layer" + ("s" if d > 1 else "") for d in overfitting.DEPTHS])
        assert f"(layers): {r.worse}\n" in stdout


def test_attention_images_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["attention_images"]
    for which in (2, 3):
        r, stdout = attention.train_images(PAGES["attention_images"][which]), out[which]
        for k, (kind, key) in enumerate(zip(attention.KINDS, ("CNN", "attention"))):
            said = [ln for ln in stdout.splitlines() if ln.startswith("step ") and ln.split()[2] == key]
            h = r.history[r.history.kind == kind]
            _close(takehome.printed("\n".join(said), "step"), sorted(set(h.step)))
            assert all(takehome.printed(ln, "n") == list(r.sizes) for ln in said)
            for j, n in enumerate(r.sizes):
                _close([takehome.printed(ln, "test")[j] for ln in said], h[h.n == n].sort_values("step").accuracy.tolist())
            _close(takehome.printed(said[-1], "test"), r.test[0, k].tolist())
            final = [ln for ln in stdout.splitlines() if ln.startswith(f"final {key} ")][0]
            _close(takehome.printed(final, "train"), r.train_accuracy[0, k].tolist())


def test_overfitting_cures_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["overfitting_cures"]
    show = overfitting.takehome_cures.CURES_SHOW
    for which in (2, 3):
        r, stdout = overfitting.cures(PAGES["overfitting_cures"][which]), out[which]
        h, said = r.history, [ln for ln in stdout.splitlines() if ln.startswith("step ")]
        for m, name in enumerate(overfitting.MODELS):
            mine = [ln for ln in said if f" model {m} " in ln]
            steps = takehome.printed("\n".join(mine), "step")
            want_steps = sorted(s for s in set(h[h.model == name].step) if s % show == 0)
            assert steps == want_steps, (name, steps)  # early stopping's line ends where it stopped
            for split in ("train", "validation") + (("penalty",) if name == "L2" else ()):
                hs = h[(h.model == name) & (h.split == split)].set_index("step")
                _close([takehome.printed(ln, split)[0] for ln in mine], hs.loc[steps, "loss"].tolist())
            final = [ln for ln in stdout.splitlines() if ln.startswith(f"final model {m} ")][0]
            row = r.final[r.final.model == name].iloc[0]
            _close([takehome.printed(final, k)[0] for k in ("validation", "test", "train")],
                   [row.validation, row.test, row.train])
        es = [ln for ln in stdout.splitlines() if ln.startswith("early stopping ")][0]
        _close([takehome.printed(es, k)[0] for k in ("best_step", "stop", "best_val")],
               [r.best_step, r.stop_step, r.best_val])


def test_overfitting_augment_scripts_print_the_pages_numbers(printed_by, no_guard):
    out = printed_by["overfitting_augment"]
    for which in (2, 3):
        r, stdout = overfitting.augment(PAGES["overfitting_augment"][which]), out[which]
        lines = {ln.split(":")[0]: ln for ln in stdout.splitlines() if "accuracy" in ln}
        _close(takehome.printed(stdout, "loss"), r.log.losses[-1].tolist())
        for a in overfitting.AUGMENTS:
            _close(takehome.printed(lines[a], "accuracy"), [r.accuracy[a]])
            _close([float(v) for v in lines[a].split(" digits ")[1].split()], r.per_digit[a].tolist())


def test_critical_slice_scripts_print_the_pages_numbers(printed_by):
    out = printed_by["critical_slice"]
    for which in (2, 3):
        cfg, stdout = PAGES["critical_slice"][which], out[which]
        pt, net = critical.point(cfg), critical.slice_net(cfg.seed)
        _close([takehome.printed(stdout, k)[0] for k in ("trained loss", "unit", "bmi_weight", "output_weight")],
               [net.loss, net.unit + 1, float(net.theta[net.i]), float(net.theta[net.j])])
        _close([takehome.printed(stdout, k)[-1] for k in ("loss", "grad", "lambda1", "lambda2")],  # at the point θ'
               [pt.loss, pt.grad_norm, *pt.eigvals])
