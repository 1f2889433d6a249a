"""Convolution and pooling: core against PyTorch (F.conv2d, nn.Conv2d, nn.Linear, the racers as nn.Sequential),
the formulas against what PyTorch computes, the page's claims on 10 seeds trained as one batched run, uploads,
and every lab of the page opened by its link with each of its controls moved."""
from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import open_page, snapshot
from core import convolution as cv
from core import convolution_field as cf
from core import convolution_pool as cp
from core import convolution_race as cr
from core import convolution_upload as up
from core.convolution_nets import Racers, cnn_params, fc_params, fc_width

SEEDS = list(range(10))
PAGE = "pages/convolution.py"


# ---------------------------------------------------------------- convolution and its formulas

def test_conv_equals_f_conv2d_and_a_direct_loop():
    g = torch.Generator().manual_seed(0)
    for k, s, p, d in itertools.product((1, 3, 5), (1, 2, 3), (0, 1, 2), (1, 2)):
        img = torch.rand(9, 11, generator=g, dtype=torch.float64).numpy()
        ker = torch.randn(k, k, generator=g, dtype=torch.float64).numpy()
        if cv.out_size(9, k, s, p, d) == 0:
            continue
        ref = F.conv2d(torch.tensor(img)[None, None], torch.tensor(ker)[None, None], stride=s, padding=p,
                       dilation=d)[0, 0].numpy()
        assert np.allclose(cv.conv2d(img, ker, s, p, d), ref, atol=1e-12)
        assert np.allclose(cv.conv2d_loop(img, ker, s, p, d), ref, atol=1e-12)
    res = cv.filter_lab(cv.ConvConfig(source="digit", digit=5, kernel="Laplacian", stride=2, padding=1))
    i, j = res.window
    assert sum(x * w for x, w in res.terms) == pytest.approx(res.out[i, j], abs=1e-12)


def test_output_size_formula_matches_real_outputs():
    for n, k, s, p, d in itertools.product(range(1, 13), (1, 2, 3, 5), (1, 2, 3), (0, 1, 2), (1, 2, 3)):
        want = cv.out_size(n, k, s, p, d)
        x = torch.zeros(1, 1, n, n)
        if want == 0:
            with pytest.raises(RuntimeError):
                F.conv2d(x, torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d)
        else:
            assert F.conv2d(x, torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d).shape[-1] == want


def test_kernels_and_kernel_text():
    for name in cv.KERNELS[:-1]:
        for k in (3, 5):
            assert cv.preset(name, k).shape == (k, k)
    for k in (3, 5):  # edge and Laplacian kernels add up to 0: the map is 0 on blank paper
        for name in ("edges", "Laplacian", "Sobel x", "Sobel y"):
            assert cv.preset(name, k).sum() == pytest.approx(0.0)
    res = cv.filter_lab(cv.ConvConfig(source="digit", kernel="edges"))
    assert np.allclose(cv.conv2d(np.zeros((8, 8)), res.kernel), 0.0)
    assert cv.parse_kernel("1 2 3; 4 5 6; 7 8 9", 3)[1]
    assert cv.parse_kernel("1,2,3,4,5,6,7,8,9", 5)[0][2, 2] == 5.0
    for bad in ("", "1 2", "__import__('os')", "1e999 " * 9, "nan " * 9, "9" * 5000):
        ker, ok = cv.parse_kernel(bad, 3)
        assert not ok and ker[1, 1] == 1.0 and ker.sum() == 1.0


def test_receptive_field_formula_matches_autograd():
    for layers in itertools.chain(itertools.product(itertools.product(cf.KS, cf.STRIDES), repeat=2),
                                  [((3, 2), (3, 2), (5, 1)), ((5, 2), (3, 3), (2, 1)), ((7, 1), (1, 2), (3, 3))]):
        layers = list(layers)
        side = cf.output_side(layers)
        if side == 0:
            continue
        r, jump = cf.formula(layers)
        for i, j in {(0, 0), (side - 1, side // 2), (side // 3, side - 1)}:
            g = cf.field_from_autograd(layers, i, j)
            rows, cols = np.nonzero(g)
            assert (rows.min(), cols.min()) == (i * jump, j * jump)
            assert rows.max() - rows.min() + 1 == r and cols.max() - cols.min() + 1 == r


def test_deep_preset_window():
    """The 'Stacked layers' preset: three layers, strides 2, 2, 1, kernels 3, 3, 5 -> a 23 × 23 window."""
    res = cf.field_lab(cf.FieldConfig(layers=3, s1=2, k3=5))
    r0, c0, r1, c1 = res.measured
    assert res.r == 23 and r1 - r0 + 1 == 23 and c1 - c0 + 1 == 23


def test_parameter_counts_match_the_modules():
    for c, side in itertools.product((4, 8, 16), (8, 12)):
        r = Racers(c, side, [torch.Generator().manual_seed(1)])
        cnn, fc = r.as_modules(0)
        assert sum(p.numel() for p in cnn.parameters()) == cnn_params(c)
        assert sum(p.numel() for p in fc.parameters()) == fc_params(side, r.h)
        assert fc_params(side, fc_width(side, c)) <= cnn_params(c) < fc_params(side, fc_width(side, c) + 1)
    for n, ch, k in itertools.product(cf.SIZES, cf.CHANNELS, (1, 3, 5)):
        cfg = cf.FieldConfig(image=n, channels=ch, k1=k)
        s = cf.sharing(cfg)
        conv, lin = cf.sharing_modules(cfg)
        assert sum(p.numel() for p in conv.parameters()) == s.conv_params
        assert sum(p.numel() for p in lin.parameters()) == s.fc_params
    s = cf.sharing(cf.FieldConfig(image=8, channels=3, k1=3))
    x = torch.rand(1, 1, 8, 8)
    conv = torch.nn.Conv2d(1, 3, 3, padding=1)
    assert conv(x).numel() * 9 == s.conv_macs  # one multiply-add per weight per output


def test_batched_racers_equal_their_pytorch_modules():
    gens = [torch.Generator().manual_seed(s) for s in (3, 4)]
    r = Racers(4, 12, gens)
    x = torch.rand(2, 5, 1, 12, 12)  # (M, B, 1, S, S)
    for m in range(2):
        cnn, fc = r.as_modules(m)
        assert torch.allclose(r.cnn(x)[m], cnn(x[m]), atol=1e-5)
        assert torch.allclose(r.fc(x)[m], fc(x[m]), atol=1e-5)
        assert torch.allclose(r.cnn_maps(x)[0][m], F.relu(cnn[0](x[m])), atol=1e-6)


# ---------------------------------------------------------------- the race's claims, 10 seeds in one run

@pytest.fixture(scope="module")
def unseen():
    return cr.race(cr.RaceConfig(), seeds=SEEDS)


@pytest.fixture(scope="module")
def anywhere():
    return cr.race(cr.RaceConfig(placement="random"), seeds=SEEDS)


@pytest.fixture(scope="module")
def centred():
    return cr.race(cr.RaceConfig(placement="centred"), seeds=SEEDS)


def test_cnn_recognises_unseen_positions_fully_connected_cannot(unseen):
    """Default setting (race.unseen): the CNN, with no more parameters, beats the fully connected network by
    over 30 points on every seed; the fully connected network stays near chance (under 30 %)."""
    acc = unseen.accuracy
    assert unseen.params["fully connected"] <= unseen.params["CNN"]
    assert (acc[:, 0] > acc[:, 1] + 0.3).all(), acc
    assert (acc[:, 1] < 0.3).all() and (acc[:, 0] > 0.5).all(), acc


def test_cnn_wins_on_digits_anywhere(anywhere):
    """Preset 'Digits anywhere' (race.random): CNN ahead by more than 30 points on each seed."""
    acc = anywhere.accuracy
    assert (acc[:, 0] > acc[:, 1] + 0.3).all(), acc


def test_centred_digits_are_close(centred):
    """Preset 'Digits as shipped' (race.centred): the two within 7 points on each seed."""
    acc = centred.accuracy
    assert (np.abs(acc[:, 0] - acc[:, 1]) < 0.07).all(), acc
    assert (acc > 0.85).all(), acc


def test_batched_seed_equals_a_run_of_its_own(unseen):
    alone = cr.race(cr.RaceConfig(seed=3, steps=100))
    both = cr.race(cr.RaceConfig(steps=100), seeds=[3, 5])
    assert np.allclose(alone.accuracy[0], both.accuracy[0], atol=0.01)
    assert alone.log.steps == 100 and not alone.log.diverged


# ---------------------------------------------------------------- pooling

def test_max_pooling_changes_less_than_raw_features_under_small_shifts():
    """Max pooling with stride equal to its window, every preset kernel, shifts of 1 pixel up to the window's
    size: the pooled features change less than the raw ones on both photos and on 10 digits."""
    imgs = [cv.sample_photo("photo"), cv.sample_photo("flower")] + [cv.digit_image(i) for i in range(0, 1797, 180)]
    for img, name, k, size in itertools.product(imgs, cv.KERNELS[:-1], (3, 5), (2, 3)):
        res = cp.pool_case(img, cv.preset(name, k), cp.PoolConfig("max", size, size, 1))
        for s, raw, pooled in res.shifts:
            if s <= size:
                assert pooled < raw, (name, k, size, s, raw, pooled)


def test_pooling_equals_pytorch_and_board():
    a = np.arange(36.0).reshape(6, 6)
    assert np.allclose(cp.pool2d(a, "max", 2, 2), F.max_pool2d(torch.tensor(a)[None, None], 2)[0, 0].numpy())
    assert cp.pool2d(a, "average", 3, 1).shape == (4, 4)
    for seed in SEEDS:
        b = cp.board(seed)
        assert b.n_stones == 90 and b.pooled.shape == (10, 10) and b.crowded > 0 and b.cells <= 100


# ---------------------------------------------------------------- uploads

def _png(w=40, h=30) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


def test_upload_decoding():
    assert up.decode(_png()).shape == (30, 40)
    assert max(up.decode(_png(300, 200)).shape) == cv.DISPLAY
    for bad in (b"", b"hello", b"\x89PNG\r\n\x1a\n" + b"x" * 50, b"GIF89a" + b"\0" * 40):
        with pytest.raises(up.UploadError) as e:
            up.decode(bad)
        assert e.value.code == "not_image"
    with pytest.raises(up.UploadError) as e:
        up.decode(b"\0" * (up.MAX_BYTES + 1))
    assert e.value.code == "too_large"


def test_upload_messages_on_the_page():
    at = open_page(PAGE, query={"lab": "filter", "source": "upload"})
    assert not at.exception and len(at.get("vega_lite_chart")) == 3
    base = snapshot(at)
    at.get("file_uploader")[0].set_value(("cat.png", _png(), "image/png")).run()
    assert not at.exception and not at.warning and snapshot(at) != base
    for name, data, code in (("x.png", b"not an image", "not_image"),
                             ("big.jpg", b"\xff\xd8" + b"\0" * up.MAX_BYTES, "too_large")):
        at.get("file_uploader")[0].set_value((name, data, "image/png")).run()
        assert not at.exception
        from core import i18n

        want = i18n.text("en", f"convolution.upload.{code}", mb=up.MAX_BYTES // 2**20)
        assert [w.value for w in at.warning] == [want]
        assert len(at.get("vega_lite_chart")) == 3


# ---------------------------------------------------------------- every lab by its link, each control moved

def _spec_bytes(at) -> int:
    return sum(len(ch.proto.SerializeToString()) for ch in at.get("vega_lite_chart"))


LAB_LINKS = [
    {"lab": "race"}, {"lab": "draw"}, {"lab": "filter"}, {"lab": "filter", "source": "digit", "kernel": "custom"},
    {"lab": "pool"}, {"lab": "pool", "source": "digit", "mode": "average"}, {"lab": "field"},
    {"lab": "field", "layers": "3"},
]


@pytest.mark.parametrize("query", LAB_LINKS, ids=lambda q: "-".join(q.values()))
def test_each_lab_by_link_and_each_of_its_controls(query):
    from test_pages import _controls, _new_value

    at = open_page(PAGE, query=query)
    assert not at.exception, at.exception
    n = len(at.get("vega_lite_chart"))
    assert 1 <= n <= 8 and _spec_bytes(at) < 300_000
    base = snapshot(at)
    race = {"placement", "n_train", "filters", "steps", "augment"}  # moved by tests/test_pages.py on the default view
    skip = {"lab", "seed"} | (race if query["lab"] == "race" else set())
    unchanged = []
    for kind, w in _controls(at):
        if w.key in skip:
            continue
        fresh = open_page(PAGE, query=query)
        x = next(x for x in fresh.get(kind) if x.key == w.key)
        x.set_value(_new_value(kind, x)).run()
        assert not fresh.exception, f"{w.key}: {fresh.exception}"
        assert 1 <= len(fresh.get("vega_lite_chart")) <= 8
        if snapshot(fresh) == base:
            unchanged.append(w.key)
    assert not unchanged, f"these controls change nothing in lab {query}: {unchanged}"


@pytest.mark.parametrize("query", [{"lab": "draw"}, {"lab": "filter", "source": "digit"}, {"lab": "pool"},
                                   {"lab": "field", "layers": "3"}, {"lab": "race", "placement": "centred"},
                                   {"lab": "filter", "kernel": "custom", "custom": "1 2"}],
                         ids=lambda q: "-".join(q.values()))
def test_each_lab_in_chinese(query):
    from test_pages import _english_left, _visible_strings

    at = open_page(PAGE, query={**query, "lang": "zh"})
    assert not at.exception
    assert not _english_left(_visible_strings(at))


def test_a_drawing_is_scaled_to_the_training_size():
    """A drawn stroke (light on dark, the canvas's RGBA) becomes an 8×8 digit with peak 1, centred on the
    12×12 canvas; an empty canvas gives None (the page then shows a test digit)."""
    a = np.zeros((196, 196, 4), np.uint8)
    a[..., 3] = 255
    assert cr.from_drawing(a, 12) is None
    a[30:170, 90:106, :3] = 255  # a "1"
    d = cr.from_drawing(a, 12)
    assert d.shape == (12, 12) and float(d.max()) == pytest.approx(1.0)
    assert float(d[:2].sum() + d[-2:].sum() + d[:, :2].sum() + d[:, -2:].sum()) == 0.0
    assert cr.from_drawing(a, 8).shape == (8, 8)


def test_share_chart_draws_its_bars_on_a_log_scale():
    """Bars on a log scale must not stack (a stack starts at 0, which a log scale cannot show: the browser then
    drew an empty chart)."""
    from core import convolution_field as cfield
    from core.charts import convolution as cch

    spec = cch.share_chart(cfield.sharing(cfield.FieldConfig())).to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["scale"]["type"] == "log" and x["stack"] is None and x["scale"]["domainMin"] >= 1
