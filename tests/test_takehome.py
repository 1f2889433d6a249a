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
