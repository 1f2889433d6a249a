"""Convolution and pooling: a CNN trained live against a fully connected network, and parts for filters,
pooling, receptive fields and shared parameters, moving a digit (pages/_convolution_parts.py: receptive fields,
depth saves parameters, the Go board, one size in). Only the chosen part is computed and drawn."""
import streamlit as st

from core import convolution as cv
from core.charts import convolution as charts
from pages import _canvas, _kit as kit
from pages._convolution_parts import FORMS, depth_part, field_part, go_part, resize_part
from pages._takehome import take_home

T = "convolution"
tx = kit.Text(T)
V, R, D = kit.Form(T, cv.ConvView), kit.Form(T, cv.RaceConfig), kit.Form(T, cv.DrawView)
C, P = kit.Form(T, cv.ConvConfig), kit.Form(T, cv.PoolConfig)
kit.page(T, [V, R, D, C, P, *FORMS], [
    kit.Preset("centred", {"placement": "centred"}),
    kit.Preset("anywhere", {"placement": "random"}),
    kit.Preset("edges", {"part": "filter", "source": "digit", "kernel": "edges"}),
    kit.Preset("go", {"part": "pool"}),
    kit.Preset("deep", {"part": "field", "layers": 3, "s1": 2, "k3": 5}),
], r"\begin{gathered}y_{ij} = b + \sum_{u=0}^{k-1}\sum_{v=0}^{k-1} w_{uv}\,x_{is + ud,\; js + vd}\\"
   r"n_{\text{out}} = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1\\"
   r"r_L = 1 + \sum_{l=1}^{L} (k_l - 1)\prod_{i<l} s_i\end{gathered}")
left, right = st.columns([1, 3], gap="medium")


def race_result() -> cv.RaceResult:
    return kit.train_live(T, cv.race, R.config(seed=kit.seed()),
                          frame=lambda r: kit.chart(charts.curve_chart, r, live=True))


def race_part() -> None:
    with left:
        for name in ("placement", "n_train", "filters", "steps", "augment"):
            R(name)
        pick = D("pick")
    with right:
        res = race_result()
        kit.chart(charts.curve_chart, res)
        st.caption(tx("race.status", **res.numbers()))
        kit.notice(charts.race_notice(cv.race_facts(res), kit.lang()))
        c1, c2 = st.columns(2)
        kit.chart(charts.filters_chart, res, where=c1)
        kit.chart(charts.maps_chart, kit.shared(f"{T}-maps", cv.maps_of, res, pick, gate=False), where=c2)
        c2.caption(tx("race.maps", digit=cv.digit_of(res, pick)[1], pick=pick))
        for col, m in zip(st.columns(2), cv.MODELS):
            kit.chart(charts.confusion_chart, res, m, where=col)
        take_home(T, cv.race_script(res.config, kit.lang()), cv.RACE_FILE)


def draw_part() -> None:
    with left:  # the board first, so that it is on the first screen (without the package: a test digit)
        drawn = _canvas.drawn_digit(cv.side(R.value("placement")), "draw_canvas", tx("draw.canvas"))
        pick, move = D("pick"), D("move")
    with right:
        res = race_result()
        live = drawn is not None  # a drawing is seen once: nothing of it is kept
        lk = (cv.look_drawn(res, drawn, move) if live
              else kit.shared(f"{T}-look", cv.look_at, res, pick, move, gate=False))
        c1, c2 = st.columns([1, 2])
        kit.chart(charts.image_chart, lk.shown, f"{T}.charts.input", False, True, True, where=c1, live=live)
        kit.chart(charts.probs_chart, lk.pred, where=c2, live=live)
        kit.notice(charts.draw_notice(lk.label, lk.says, live, kit.lang()))
        kit.chart(charts.shift_curve_chart, lk.curve, move, live=live)
        kit.chart(charts.maps_chart, lk.pred["maps"], live=live)
        st.caption(tx("draw.rule" if _canvas.AVAILABLE else "draw.fallback", grey=kit.colour("grey")))


def image_controls():
    """The image and kernel controls the filter and pooling parts share; the decoded upload, if any."""
    src, upload = C("source"), None
    if src == "digit":
        C("digit")
    elif src == "upload":  # PNG or JPEG, size-capped, decoded with Pillow only; a message when there is none
        f = st.file_uploader(tx("upload.label"), type=list(cv.TYPES), key="upload",
                             help=tx("upload.help", mb=cv.MAX_MB))
        upload, why = cv.read(None if f is None else f.getvalue())
        if why is not None:
            (kit.notice if f is None else kit.problem)(tx(f"upload.{why}", mb=cv.MAX_MB))
    kernel = C("kernel")
    C("size", horizontal=True)
    if kernel == "custom":
        C("custom")
    return upload


def filter_part() -> None:
    with left:
        upload = image_controls()
        for name in ("stride", "padding", "dilation"):
            C(name)
    cfg = C.config()
    with right:
        res = cv.filter_lab(cfg, upload) if upload is not None else kit.shared(f"{T}-filter", cv.filter_lab, cfg,
                                                                                gate=False)
        if not res.kernel_ok:
            kit.problem(tx("filter.bad_kernel", most=f"{cv.MAX_WEIGHT:.0f}"))
        c1, c2, c3 = st.columns([4, 3, 4])
        kit.chart(charts.image_chart, res.image, f"{T}.charts.input", False, True, True, where=c1)
        kit.chart(charts.kernel_chart, res, where=c2)
        if res.out.size:
            kit.chart(charts.image_chart, res.out, f"{T}.charts.fmap", True, False, True, where=c3)
        else:
            kit.problem(tx("filter.no_fit"), where=c3)
        st.latex(cv.size_tex(res))
        if (window := cv.window_tex(res)) is None:  # a photo (too many numbers) or a kernel that does not fit
            st.caption(tx("filter.small"))
        else:
            st.markdown(tx("filter.window", i=res.window[0], j=res.window[1]))
            st.latex(window)
        kit.notice(charts.filter_notice(kit.lang()))


def pool_part() -> None:
    with left:
        upload = image_controls()
        for name in ("mode", "pool", "pool_stride", "shift"):
            P(name, horizontal=True)
    conv, cfg = C.config(), P.config()
    with right:
        res = (cv.pool_lab(conv, cfg, upload) if upload is not None
               else kit.shared(f"{T}-pool", cv.pool_lab, conv, cfg, gate=False))
        for col, a, key in zip(st.columns(3), (res.fmap, res.pooled, res.pooled_shifted),
                               ("relu_map", "pooled", "pooled_shifted")):
            kit.chart(charts.image_chart, a, f"{T}.charts.{key}", False, False, False, where=col)
        col.caption(tx("pool.shifted", s=cfg.shift))  # under the third, the shifted map
        kit.chart(charts.shift_chart, res)
        kit.notice(charts.pool_notice(res, cfg.shift, kit.lang()))
        st.subheader(tx("go.header"))
        b = kit.shared(f"{T}-board", cv.board, kit.seed(), gate=False)
        for col, as_pooled in zip(st.columns(2), (False, True)):
            kit.chart(charts.board_chart, b, as_pooled, where=col)
        st.markdown(tx("go.text", **b.numbers(), both=kit.colour(charts.STONE_COLOURS["both"])))


kit.parts(V, {"race": race_part, "draw": draw_part, "filter": filter_part, "pool": pool_part,
             "field": lambda: field_part(left, right), "depth": lambda: depth_part(left, right),
             "go": lambda: go_part(left, right),
             "resize": lambda: resize_part(left, right, race_result, lambda: D("pick"))}, where=left, horizontal=False)
