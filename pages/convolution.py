"""Convolution and pooling: a CNN trained live against a fully connected network, and labs for filters,
pooling, receptive fields and shared parameters. Only the chosen lab is computed and drawn."""
import streamlit as st

from core import convolution as cv
from core import convolution_field as cf
from core import convolution_pool as cp
from core import convolution_race as cr
from core import convolution_upload as up
from core.charts import convolution as charts
from core.charts import convolution_race as rcharts
from pages import _kit as kit

try:  # the drawing canvas (streamlit-drawable-canvas); without it the draw lab picks a test digit
    from streamlit_drawable_canvas import st_canvas
except Exception:  # noqa: BLE001 - not installed, or a Streamlit it does not work with
    st_canvas = None

T = "convolution"
V = kit.Form(T, cv.ConvView)
R = kit.Form(T, cr.RaceConfig)
D = kit.Form(T, cr.DrawView)
C = kit.Form(T, cv.ConvConfig)
P = kit.Form(T, cp.PoolConfig)
L = kit.Form(T, cf.FieldConfig)
kit.page(T, [V, R, D, C, P, L], [
    kit.Preset("centred", {"placement": "centred"}),
    kit.Preset("anywhere", {"placement": "random"}),
    kit.Preset("edges", {"lab": "filter", "source": "digit", "kernel": "edges"}),
    kit.Preset("go", {"lab": "pool"}),
    kit.Preset("deep", {"lab": "field", "layers": 3, "s1": 2, "k3": 5}),
], r"\begin{gathered}y_{ij} = b + \sum_{u=0}^{k-1}\sum_{v=0}^{k-1} w_{uv}\,x_{is + ud,\; js + vd}\\"
   r"n_{\text{out}} = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1\\"
   r"r_L = 1 + \sum_{l=1}^{L} (k_l - 1)\prod_{i<l} s_i\end{gathered}")
lang = kit.lang()
colour = lambda name: kit.t(f"common.colour.{name}")  # noqa: E731 - the word for a colour a chart draws
mname = lambda m: kit.t(f"{T}.charts.model.{m}")  # noqa: E731

left, right = st.columns([1, 3], gap="medium")
with left:
    lab = V("lab", horizontal=False)


def race_result():
    cfg = R.config(seed=kit.seed())
    bar, live = st.empty(), st.empty()

    def draw_live(r: cr.RaceResult) -> None:
        bar.progress(min(1.0, r.log.steps / max(1, r.log.planned)),
                     text=kit.t("common.training", done=r.log.steps, total=r.log.planned))
        with live.container():
            kit.chart(rcharts.curve_chart, r, lang, live=True)

    res = kit.shared(T, cr.race, cfg, progress=draw_live, queued=kit.queued(bar))
    bar.empty()
    live.empty()
    return res


def race_lab() -> None:
    with left:
        for name in ("placement", "n_train", "filters", "steps", "augment"):
            R(name)
        pick = D("pick")
    with right:
        res = race_result()
        kit.chart(rcharts.curve_chart, res, lang)
        cnn, fc = float(res.accuracy[0, 0]), float(res.accuracy[0, 1])
        names = {m: mname(m) for m in cr.MODELS}
        st.caption(kit.t(f"{T}.race.status", pc=res.params["CNN"], pf=res.params["fully connected"], h=res.racers.h,
                         c=res.config.filters, c2=2 * res.config.filters, n=res.config.n_train, s=res.config.steps))
        notes = [kit.t(f"{T}.race.result", cnn=cnn, fc=fc, cc=colour(rcharts.MODEL_COLOURS["CNN"]),
                       fcc=colour(rcharts.MODEL_COLOURS["fully connected"]), **{"cn": names["CNN"],
                                                                               "fn": names["fully connected"]})]
        place = res.config.placement
        if place == "unseen" and cnn > fc + 0.3 and fc < 0.3 or place == "random" and cnn > fc + 0.3:
            notes.append(kit.t(f"{T}.race.{place}"))
        elif place == "centred" and abs(cnn - fc) < 0.07:
            notes.append(kit.t(f"{T}.race.centred"))
        kit.notice(" ".join(notes))
        img, label = cr.digit_of(res, pick)
        c1, c2 = st.columns(2)
        kit.chart(rcharts.filters_chart, res, lang, where=c1)
        maps = kit.shared(f"{T}-maps", lambda key: cr.predict(res, img)["maps"], (res.config, pick), gate=False)
        kit.chart(rcharts.maps_chart, maps, lang, where=c2)
        c2.caption(kit.t(f"{T}.race.maps", digit=label, pick=pick))
        c1, c2 = st.columns(2)
        for col, m in zip((c1, c2), cr.MODELS):
            kit.chart(rcharts.confusion_chart, res, m, lang, where=col)


def draw_lab() -> None:
    drawn = None
    with left:
        if st_canvas is not None:  # first, so that it is on the first screen
            st.caption(kit.t(f"{T}.draw.canvas"))
            out = st_canvas(stroke_width=14, stroke_color="#ffffff", background_color="#000000", width=168,
                            height=168, drawing_mode="freedraw", return_image_data=True, key="draw_canvas")
            if getattr(out, "image_data", None) is not None:
                drawn = cr.from_drawing(out.image_data, cr.side(R.value("placement")))
        pick, move = D("pick"), D("move")
    with right:
        res = race_result()
        if drawn is None:
            img, label = cr.digit_of(res, pick)
            curve = kit.shared(f"{T}-curve", lambda key: cr.shift_curve(res, img, label), (res.config, pick),
                               gate=False)
        else:
            img = drawn
            label = int(cr.predict(res, img)["CNN"].argmax())
            curve = cr.shift_curve(res, img, label)
        shown = cr.shift_image(img, move)
        pred = (kit.shared(f"{T}-pred", lambda key: cr.predict(res, shown), (res.config, pick, move), gate=False)
                if drawn is None else cr.predict(res, shown))
        c1, c2 = st.columns([1, 2])
        live = drawn is not None  # a drawing is seen once: its charts are not kept
        kit.chart(charts.image_chart, shown.numpy(), f"{T}.charts.input", False, True, True, lang, where=c1, live=live)
        kit.chart(rcharts.probs_chart, pred, lang, where=c2, live=live)
        says = {m: int(pred[m].argmax()) for m in cr.MODELS}
        what = kit.t(f"{T}.draw.this_is", digit=label) if drawn is None else kit.t(f"{T}.draw.drawn", digit=label)
        kit.notice(kit.t(f"{T}.draw.says", this=what, cn=mname("CNN"), fn=mname("fully connected"),
                         c=says["CNN"], pc=float(pred["CNN"].max()), f=says["fully connected"],
                         pf=float(pred["fully connected"].max())))
        kit.chart(rcharts.shift_curve_chart, curve, move, lang, live=live)
        kit.chart(rcharts.maps_chart, pred["maps"], lang, live=live)
        st.caption(kit.t(f"{T}.draw.rule" if st_canvas is not None else f"{T}.draw.fallback", grey=colour("grey")))


def read_upload():
    """The uploaded image, decoded (None and a message when there is none or it is refused)."""
    f = st.file_uploader(kit.t(f"{T}.upload.label"), type=list(up.TYPES), key="upload", help=kit.t(f"{T}.upload.help",
                                                                                      mb=up.MAX_BYTES // 2**20))
    if f is None:
        kit.notice(kit.t(f"{T}.upload.none"))
        return None
    try:
        return up.decode(f.getvalue())
    except up.UploadError as e:
        kit.problem(kit.t(f"{T}.upload.{e.code}", mb=up.MAX_BYTES // 2**20))
        return None


def image_controls():
    src = C("source")
    upload = None
    if src == "digit":
        C("digit")
    elif src == "upload":
        upload = read_upload()
    kernel = C("kernel")
    C("size", horizontal=True)
    if kernel == "custom":
        C("custom")
    return upload


def filter_lab() -> None:
    with left:
        upload = image_controls()
        for name in ("stride", "padding", "dilation"):
            C(name)
    cfg = C.config()
    with right:
        res = cv.filter_lab(cfg, upload) if upload is not None else kit.shared(f"{T}-filter", cv.filter_lab, cfg,
                                                                                gate=False)
        if not res.kernel_ok:
            kit.problem(kit.t(f"{T}.filter.bad_kernel"))
        c1, c2, c3 = st.columns([4, 3, 4])
        kit.chart(charts.image_chart, res.image, f"{T}.charts.input", False, True, True, lang, where=c1)
        kit.chart(charts.kernel_chart, res, lang, where=c2)
        if res.out.size:
            kit.chart(charts.image_chart, res.out, f"{T}.charts.fmap", True, False, True, lang, where=c3)
        else:
            kit.problem(kit.t(f"{T}.filter.no_fit"), where=c3)
        (h, w), k = res.image.shape, res.kernel.shape[0]
        s, p, d = cfg.stride, cfg.padding, cfg.dilation
        st.latex(rf"\begin{{aligned}}n_{{\text{{out}}}}^{{H}} &= \left\lfloor \frac{{{h} + 2\cdot{p} - {d}({k}-1) - 1}}"
                 rf"{{{s}}}\right\rfloor + 1 = {cv.out_size(h, k, s, p, d)}\\ n_{{\text{{out}}}}^{{W}} &= "
                 rf"\left\lfloor \frac{{{w} + 2\cdot{p} - {d}({k}-1) - 1}}{{{s}}}\right\rfloor + 1 = "
                 rf"{cv.out_size(w, k, s, p, d)}\end{{aligned}}")
        if res.terms and max(res.image.shape) <= 16:
            rows = [" + ".join(f"{x:.2f}\\cdot({wt:.3g})" for x, wt in res.terms[r * k:(r + 1) * k]) for r in range(k)]
            total = sum(x * wt for x, wt in res.terms)
            st.markdown(kit.t(f"{T}.filter.window", i=res.window[0], j=res.window[1]))
            st.latex(r"\begin{aligned}&" + r"\\+\;&".join(rows) + rf"\\=\;&{total:.3f}\end{{aligned}}")
        else:
            st.caption(kit.t(f"{T}.filter.small"))
        kit.notice(kit.t(f"{T}.filter.notice", blue=colour(charts.SIGN_COLOURS["negative"]),
                         orange=colour(charts.SIGN_COLOURS["positive"])))


def pool_lab() -> None:
    with left:
        upload = image_controls()
        P("mode", horizontal=True)
        for name in ("pool", "pool_stride"):
            P(name, horizontal=True)
        P("shift")
    conv, cfg = C.config(), P.config()
    with right:
        res = (cp.pool_lab(conv, cfg, upload) if upload is not None
               else kit.shared(f"{T}-pool", lambda key: cp.pool_lab(*key), (conv, cfg), gate=False))
        c1, c2, c3 = st.columns(3)
        kit.chart(charts.image_chart, res.fmap, f"{T}.charts.relu_map", False, False, False, lang, where=c1)
        kit.chart(charts.image_chart, res.pooled, f"{T}.charts.pooled", False, False, False, lang, where=c2)
        kit.chart(charts.image_chart, res.pooled_shifted, f"{T}.charts.pooled_shifted", False, False, False, lang,
                  where=c3)
        c3.caption(kit.t(f"{T}.pool.shifted", s=cfg.shift))
        raw, pooled = next((r, p) for s, r, p in res.shifts if s == cfg.shift)
        kit.chart(charts.shift_chart, res, lang)
        kit.notice(kit.t(f"{T}.pool.notice", s=cfg.shift, raw=raw, pooled=pooled,
                         less=kit.t(f"{T}.pool.less" if pooled < raw else f"{T}.pool.more"),
                         rc=colour(charts.SHIFT_COLOURS["raw"]), pc=colour(charts.SHIFT_COLOURS["pooled"])))
        st.subheader(kit.t(f"{T}.go.header"))
        b = kit.shared(f"{T}-board", cp.board, kit.seed(), gate=False)
        c1, c2 = st.columns(2)
        kit.chart(charts.board_chart, b, False, lang, where=c1)
        kit.chart(charts.board_chart, b, True, lang, where=c2)
        st.markdown(kit.t(f"{T}.go.text", n=b.n_stones, cells=b.cells, mixed=b.mixed, crowded=b.crowded,
                          both=colour(charts.STONE_COLOURS["both"])))


def field_lab() -> None:
    with left:
        layers = L("layers")
        for i in range(1, layers + 1):
            L(f"k{i}")
            L(f"s{i}")
        L("row")
        L("col")
        L("image")
        L("channels")
    cfg = L.config()
    with right:
        res = kit.shared(f"{T}-field", cf.field_lab, cfg, gate=False)
        c1, c2 = st.columns([3, 2])
        if res.out_side == 0:
            kit.problem(kit.t(f"{T}.field.no_fit", n=cf.INPUT), where=c1)
        else:
            kit.chart(charts.field_chart, res, lang, where=c1)
            ks = " + ".join(f"({k}-1)" + "".join(rf"\cdot {s}" for _, s in res.layers[:i]) for i, (k, _) in
                            enumerate(res.layers))
            formula = rf"r_{{{len(res.layers)}}} = 1 + {ks} = {res.r}"
            r0, c0, r1, c1_ = res.measured
            c2.markdown(kit.t(f"{T}.field.text", side=res.out_side, i=res.unit[0], j=res.unit[1], r=res.r,
                              jump=res.jump, r0=r0, c0=c0, r1=r1, c1=c1_, h=r1 - r0 + 1, w=c1_ - c0 + 1,
                              box=colour(charts.FIELD_COLOURS["formula"])))
            st.latex(formula)
        s = kit.shared(f"{T}-share", cf.sharing, cfg, gate=False)
        kit.chart(charts.share_chart, s, lang)
        kit.notice(kit.t(f"{T}.share.notice", conv=s.conv_params, fc=s.fc_params, ratio=s.fc_params / s.conv_params,
                         k=s.k, c=s.channels, n=s.image))


{"race": race_lab, "draw": draw_lab, "filter": filter_lab, "pool": pool_lab, "field": field_lab}[lab]()
