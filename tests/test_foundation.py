"""The shared core: the training loop, device choice, seeded randomness, data sets, layering."""
from __future__ import annotations

import ast
import subprocess
import sys

import numpy as np
import pytest
import torch

from conftest import ROOT
from core import data, device, rng, train


def test_loop_reports_the_exact_divergence_step():
    def step(i):
        return torch.tensor([1.0, float("inf") if i >= 36 else 2.0])

    log = train.run(step, 100)
    assert log.diverged and log.stopped == "diverged"
    assert log.diverged_at == [None, 37]
    assert log.losses.shape == (36, 2) and np.isfinite(log.losses).all()
    assert "model 1 diverged at step 37" in log.message()


def test_loop_treats_an_exploding_loss_as_divergence():
    log = train.run(lambda i: torch.tensor(10.0 ** i), 40, blowup=1e12)
    assert log.first_divergence == 14  # 10**13 > 1e12 is the 14th step


def test_loop_can_keep_the_others_running():
    def step(i):
        return torch.tensor([float("nan") if i >= 5 else 1.0, 0.5])

    log = train.run(step, 50, stop_on="all")
    assert log.stopped == "done" and log.steps == 50 and log.diverged_at == [6, None]
    assert np.isnan(log.losses[5:, 0]).all() and np.isfinite(log.losses[:, 1]).all()


def test_loop_caps_wall_time_and_reports_progress(monkeypatch):
    """The guard cuts a run that goes on too long (a clock that advances 10 ms per reading: no real time)."""
    seen, clock = [], iter(range(10**9))
    monkeypatch.setattr(train.time, "perf_counter", lambda: next(clock) * 0.01)
    log = train.run(lambda i: torch.tensor(1.0), 100_000, max_seconds=3.0, progress=seen.append,
                    progress_seconds=0.5, check_every=8)
    assert log.stopped == "time" and 0 < log.steps < 100_000
    assert seen and all(s.stopped == "running" for s in seen)
    assert "far longer than this demo should" in log.message()


def test_guard_marks_the_computation_cut(monkeypatch):
    """A run cut by the guard inside ``train.guarded()`` is flagged (the app then neither keeps nor shows it);
    a run that finishes is not; the flag belongs to the thread that ran it."""
    monkeypatch.setattr(train, "GUARD_SECONDS", 0.0)
    with train.guarded() as w:
        train.run(lambda i: torch.tensor(1.0), 1000, check_every=1)
    assert w.cut
    monkeypatch.setattr(train, "GUARD_SECONDS", 60.0)
    with train.guarded() as w2:
        train.run(lambda i: torch.tensor(1.0), 10)
    assert not w2.cut


def test_a_result_the_guard_cut_is_not_kept(monkeypatch):
    from pages import _compute as c

    def fit(cfg):
        return train.run(lambda i: torch.tensor(float(cfg)), 1000, check_every=1)

    monkeypatch.setattr(train, "GUARD_SECONDS", 0.0)
    with pytest.raises(c.Busy):
        c.shared("test-guard", fit, 7)
    assert c.peek("test-guard", 7) == (False, None)
    monkeypatch.setattr(train, "GUARD_SECONDS", 60.0)
    log = c.shared("test-guard", fit, 7)
    assert log.stopped == "done" and c.peek("test-guard", 7)[0]


def test_zero_steps():
    log = train.run(lambda i: torch.tensor(1.0), 0)
    assert log.steps == 0 and log.stopped == "done" and not log.diverged


def test_device_choice(monkeypatch):
    monkeypatch.delenv("DLC_DEVICE", raising=False)
    assert device.choose_device("tiny").type == "cpu"
    assert device.choose_device("large").type in {"cpu", "cuda", "mps"}
    monkeypatch.setenv("DLC_DEVICE", "cpu")
    assert device.choose_device("large").type == "cpu"
    assert "DLC_DEVICE" in device.describe()


def test_generators_are_independent_of_global_state():
    a = torch.rand(5, generator=rng.generator(3, "test.a"))
    torch.rand(100)  # global stream moves; ours must not
    b = torch.rand(5, generator=rng.generator(3, "test.a"))
    c = torch.rand(5, generator=rng.generator(3, "test.b"))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_ten_thousand_seed_purpose_pairs_give_distinct_streams():
    """(seed, purpose) is hashed: no two of 100 seeds × 100 purposes share a torch seed or a first draw, including
    the pairs a formula like seed·K + salt would have made equal (seed 1 with salt 0 against seed 0 with salt K)."""
    purposes = [f"topic{i % 7}.purpose{i}" for i in range(98)] + ["", "fitting.init"]
    seeds = list(range(99)) + [1_000_000]
    torch_seeds, draws = set(), set()
    for s in seeds:
        for p in purposes:
            torch_seeds.add(rng.seed_of(s, p))
            draws.add(float(torch.rand(1, generator=rng.generator(s, p), dtype=torch.float64)))
    assert len(torch_seeds) == len(draws) == len(seeds) * len(purposes) == 10_000
    assert all(0 <= x < 2**63 for x in torch_seeds)


@pytest.mark.parametrize("name", data.CURVES)
def test_curves(name):
    c = data.curve(name, 120, 0.1, seed=0)
    assert c.x.shape == (120, 1) and c.y.shape == (120, 1)
    assert float(c.x.min()) >= -1 and float(c.x.max()) <= 1
    assert torch.isfinite(c.y).all()
    assert torch.equal(data.curve(name, 120, 0.1, seed=0).y, c.y)


def test_seattle_series_is_the_real_one():
    day, temp = data.seattle_temperatures()
    assert len(day) == 1461 and 30 < temp.max() < 40 and -5 < temp.min() < 5


def test_split_is_disjoint_and_covers_all():
    tr, va = data.split(50, 0.2, seed=4)
    assert len(va) == 10 and len(tr) == 40
    assert sorted(tr.tolist() + va.tolist()) == list(range(50))


def test_classification_data():
    d = data.classification("digits", 0.25, seed=0)
    assert d.x_train.shape[1] == 64 and d.n_classes == 10
    assert len(d.x_train) + len(d.x_val) == 1797
    assert abs(float(d.x_train.mean())) < 1e-4


def test_core_never_imports_streamlit():
    for path in (ROOT / "core").rglob("*.py"):
        text = path.read_text()
        assert "import streamlit" not in text and "from streamlit" not in text, path
    mods = sorted("core." + ".".join(p.relative_to(ROOT / "core").with_suffix("").parts)
                  for p in (ROOT / "core").rglob("*.py") if p.name != "__init__.py")
    code = "import sys\n" + "".join(f"import {m}\n" for m in mods) + "print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_global_seeding_or_unpickling():
    """No call to torch.manual_seed (process-wide) in the app's code; a take-home script's template may hold it as
    text, since a standalone script owns its process. No unpickling, no eval/exec."""
    for folder in ("core", "pages"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            tree = ast.parse(text)
            seeding = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                       and n.func.attr == "manual_seed" and isinstance(n.func.value, ast.Name)
                       and n.func.value.id in ("torch", "cuda")]
            assert not seeding, path
            assert "pickle.load" not in text and "weights_only=False" not in text, path
            calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            assert not calls & {"eval", "exec"}, path  # the built-ins (model.eval() is a method: fine)


def test_cloud_environment_pins_what_requirements_pin():
    """Community Cloud installs from environment.yml (torch from the CPU-only index); it must pin exactly the
    versions requirements.txt pins, and nothing local may read another index."""
    req = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            req[name.strip().lower()] = version.strip()
    env_lines = [ln.strip()[2:].strip() for ln in (ROOT / "environment.yml").read_text().splitlines()
                 if ln.strip().startswith("- ")]
    pins = dict(ln.lower().split("==") for ln in env_lines if "==" in ln)
    assert pins == req
    assert any(ln.startswith("--extra-index-url") and ln.endswith("/whl/cpu") for ln in env_lines)
    for f in ("requirements.txt", "requirements-dev.txt"):
        text = (ROOT / f).read_text()
        assert "index-url" not in text and "find-links" not in text, f


def test_chart_specs_from_many_threads_keep_their_own_data():
    """Altair's data-transformer registry is process-wide: charts drawn by 16 threads at once must each
    carry their own data (the spec cache would otherwise keep a wrong spec for every later visitor)."""
    import threading

    import altair as alt
    import pandas as pd
    import pyarrow as pa

    from pages._draw import vega_spec

    bad, done = [], []

    def draw(i: int) -> None:
        for j in range(25):
            v = float(i * 1000 + j)
            ch = alt.Chart(pd.DataFrame({"x": [v, v], "y": [1.0, 2.0]})).mark_line().encode(x="x:Q", y="y:Q")
            spec = vega_spec(ch)
            (data,) = spec["datasets"].values()
            xs = pa.ipc.open_stream(data).read_all().column("x").to_pylist() if isinstance(data, bytes) \
                else list(data["x"])
            if xs != [v, v]:
                bad.append((i, j, xs))
        done.append(i)

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(done) == 16 and not bad, bad[:3]


def test_shared_stores_stay_within_their_bounds(monkeypatch):
    """Each store keeps at most MAX_ENTRIES results; all stores together at most TOTAL_BYTES, the fullest
    store giving up its oldest result first; the newest result of each is always kept."""
    from pages import _compute as c

    for i in range(c.MAX_ENTRIES + 4):
        c.shared("test-small", lambda cfg: cfg * 2, i, gate=False)  # the argument is the key
    assert len(c._store("test-small").data) == c.MAX_ENTRIES
    assert c.peek("test-small", c.MAX_ENTRIES + 3) == (True, 2 * (c.MAX_ENTRIES + 3))
    assert c.peek("test-small", 0) == (False, None)
    monkeypatch.setattr(c, "TOTAL_BYTES", 3 * 2**20)
    for i in range(5):  # 1 MB each, in two stores
        c.shared("test-a", lambda cfg: np.zeros(2**17), ("a", i), gate=False)
        c.shared("test-b", lambda cfg: np.zeros(2**17), ("b", i), gate=False)
    a, b = c._store("test-a"), c._store("test-b")
    assert a.bytes + b.bytes <= 3 * 2**20
    assert c.peek("test-a", ("a", 4))[0] and c.peek("test-b", ("b", 4))[0]
    assert not c.peek("test-a", ("a", 0))[0]


def test_join_keeps_a_chinese_list_and_drops_spaces_after_chinese_punctuation(monkeypatch):
    """中文 sentences lose the space after 。 but a line break starting a bullet stays (a 中文 notice's bullets
    once ran together into one paragraph)."""
    from pages import _kit as kit

    monkeypatch.setattr(kit, "lang", lambda: "zh")
    assert kit.join(["第一句。", "第二句。"]) == "第一句。第二句。"
    assert kit.join(["要点：\n- 一。\n- 二。"]) == "要点：\n- 一。\n- 二。"
    monkeypatch.setattr(kit, "lang", lambda: "en")
    assert kit.join(["One.", "Two."]) == "One. Two."


def test_ci_runs_the_readmes_test_command():
    """.ci/run runs the README's test command itself, character for character, so the two cannot drift apart."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    command = next(ln for ln in readme if ln.startswith("apt-get ") and "scripts/test.sh" in ln)
    ci = [ln for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    assert command in ci, command
