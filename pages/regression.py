"""Regression and loss: y = b + wx, its error surface (MSE or MAE), and gradient descent down it."""
import numpy as np
import streamlit as st

from core import regression
from core.charts import regression as charts
from core.regression_compare import key as compare_key
from pages import _kit as kit

T = "regression"
F = kit.Form(T, regression.RegConfig)
FF = kit.Form(T, regression.FeatureConfig)
FV = kit.Form(T, regression.FeatureView)
kit.page(T, [F, FF, FV], [
    kit.Preset("small", {"lr": 0.003}),
    kit.Preset("right", {"lr": 0.3}),
    kit.Preset("large", {"lr": 0.4}),
    kit.Preset("outlier", {"outlier": 10.0}),
], r"\begin{gathered}y = b + wx,\qquad e_n = b + wx_n - \hat y_n\\"
   r"L(w, b) = \frac{1}{N}\sum_{n} |e_n|\ \ \text{or}\ \ \frac{1}{N}\sum_{n} e_n^2\\"
   r"w \leftarrow w - \eta\,\frac{\partial L}{\partial w},\qquad b \leftarrow b - \eta\,\frac{\partial L}{\partial b}\\"
   r"y = b + \sum_j w_j x_j\end{gathered}")
lang = kit.lang()
colour = lambda name: kit.t(f"common.colour.{name}")  # noqa: E731 - the word for a colour the chart draws

left, right = st.columns([1, 3], gap="medium")
with left:
    data = F("data")
    if data == "diabetes":
        F("feature")
    if data == "synthetic":
        F("noise")
    for name in ("n", "outlier", "loss", "lr", "steps", "start_w", "start_b"):
        F(name)

cfg = F.config(seed=kit.seed())
with right:
    bar = st.empty()
    r = kit.shared(T, regression.fit, cfg, queued=kit.queued(bar))

    def frame(step: int) -> None:
        c1, c2 = st.columns([4, 3])
        kit.chart(charts.surface_chart, r, step, lang, where=c1)
        kit.chart(charts.data_chart, r, step, lang, where=c2)
        kit.chart(charts.loss_chart, r, step, lang)

    ss = st.session_state  # a new run: the replay stays at its end if it was there, else at the same update
    prev = ss.get("_regression_last")
    if prev is not None and prev != r.last and isinstance(ss.get("step"), int):
        ss["step"] = r.last if ss["step"] >= prev else min(ss["step"], r.last)
    ss["_regression_last"] = r.last
    kit.player("step", r.last, frame, fps=10.0)
    kit.report(r.log, [kit.t(f"{T}.gd")])
    st.caption(kit.t(f"{T}.status", n=len(r.data.x), steps=r.config.steps, w0=f"{cfg.start_w:g}",
                     b0=f"{cfg.start_b:g}"))
    w, b = r.path[-1]
    st.markdown(kit.t(f"{T}.numbers", steps=r.last, w=w, b=b, ws=r.optimum[0], bs=r.optimum[1], loss=cfg.loss,
                      now=r.losses[-1], best=r.optimum[2], stable=r.stable_lr))
    words = dict(path=colour(charts.PATH_COLOURS["path"]), start=colour(charts.PATH_COLOURS["start"]),
                 opt=colour(charts.PATH_COLOURS["optimum"]), grey=colour("grey"))
    down = bool(np.all(np.diff(r.losses) <= 1e-12))
    text = kit.t(f"{T}.notice_down" if down else f"{T}.notice_up", **words)
    dist = float(np.abs(r.path[-1] - np.array(r.optimum[:2])).max())
    if r.diverged or (cfg.loss == "MSE" and cfg.lr > r.stable_lr):
        text += kit.t(f"{T}.notice_overshoot", lr=f"{cfg.lr:g}", stable=r.stable_lr)
        text += kit.t(f"{T}.notice_diverged" if r.diverged else f"{T}.notice_would")
    elif dist < 1e-3:
        text += kit.t(f"{T}.notice_reached", steps=r.last, **words)
    else:
        text += kit.t(f"{T}.notice_short", steps=r.last, d=dist, **words)
        if cfg.loss == "MAE" and not down and dist < 0.2:
            text += kit.t(f"{T}.notice_mae")
    kit.notice(text)

st.divider()
st.header(kit.t(f"{T}.compare.header"))
st.markdown(kit.t(f"{T}.compare.intro"))
c = kit.shared(f"{T}-compare", regression.compare, compare_key(cfg), gate=False)
a1, a2 = st.columns(2)
for col, kind in ((a1, "MSE"), (a2, "MAE")):
    kit.chart(charts.compare_surface, c, kind, lang, where=col)
kit.chart(charts.compare_data, c, cfg.data, cfg.feature, lang)
if c.has_outlier:
    mse, mae = c.slope_shift("MSE"), c.slope_shift("MAE")
    s1, s2 = st.columns(2)
    s1.metric(kit.t(f"{T}.compare.m_shift", loss="MSE"), f"{mse:.3f}")
    s2.metric(kit.t(f"{T}.compare.m_shift", loss="MAE"), f"{mae:.3f}")
    text = kit.t(f"{T}.compare.moved", mse=mse, mae=mae)
    if mse > mae:
        ratio = kit.t(f"{T}.compare.times", r=mse / mae) if mae > 1e-9 else kit.t(f"{T}.compare.inf")
        text += kit.t(f"{T}.compare.more", ratio=ratio)
    else:
        text += kit.t(f"{T}.compare.less")
    kit.notice(text + kit.t(f"{T}.compare.far"))
else:
    kit.notice(kit.t(f"{T}.compare.none"))

st.divider()
st.header(kit.t(f"{T}.features.header"))
fcfg = FF.config(seed=kit.seed())
f = kit.shared(f"{T}-features", regression.features, fcfg, gate=False)
st.markdown(kit.t(f"{T}.features.intro", n_train=f.n_train, n_val=f.n_val))
b1, b2 = st.columns([1, 3])
with b1:
    FF("source")
    k = min(FV("k"), int(f.ks[-1]))
    st.metric(kit.t(f"{T}.features.m_train", k=k), f"{f.train[k - 1]:.4g}")
    st.metric(kit.t(f"{T}.features.m_val", k=k), f"{f.val[k - 1]:.4g}")
with b2:
    d1, d2 = st.columns(2)
    kit.chart(charts.features_chart, f, k, lang, where=d1)
    kit.chart(charts.weights_chart, f, k, lang, where=d2)
    more = f"{T}.features.stops" if f.best_k < int(f.ks[-1]) else f"{T}.features.still"
    kit.notice(kit.t(f"{T}.features.notice", best=f.best_k) + kit.t(more))
