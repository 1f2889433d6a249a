"""Regression and loss: y = b + wx, its error surface (MSE or MAE), and gradient descent down it; then MSE
against MAE with an outlier, and more features."""
import streamlit as st

from core import regression
from core.charts import regression as charts
from pages import _kit as kit
from pages._takehome import take_home

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
tx = kit.Text(T)


def controls() -> regression.RegConfig:
    data = F("data")
    if data == "diabetes":
        F("feature")
    if data == "synthetic":
        F("noise")
    for name in ("n", "outlier", "loss", "lr", "steps", "start_w", "start_b"):
        F(name)
    return F.config(seed=kit.seed())


def descent_part(cfg: regression.RegConfig) -> None:
    """Gradient descent replayed update by update on the error surface, the line and the loss."""
    r = kit.train_live(T, regression.fit, cfg)

    def frame(step: int) -> None:
        c1, c2 = st.columns([4, 3])
        kit.chart(charts.surface_chart, r, step, where=c1)
        kit.chart(charts.data_chart, r, step, where=c2)
        kit.chart(charts.loss_chart, r, step)

    ss = st.session_state  # a new run: the replay stays at its end if it was there, else at the same update
    prev = ss.get("_regression_last")
    if prev is not None and prev != r.last and isinstance(ss.get("step"), int):
        ss["step"] = r.last if ss["step"] >= prev else min(ss["step"], r.last)
    ss["_regression_last"] = r.last
    kit.player("step", r.last, frame, fps=10.0)
    kit.report(r.log, [tx("gd")])
    st.caption(tx("status", n=len(r.data.x), steps=r.config.steps, w0=f"{cfg.start_w:g}", b0=f"{cfg.start_b:g}"))
    w, b = r.path[-1]
    st.markdown(tx("numbers", steps=r.last, w=w, b=b, ws=r.optimum[0], bs=r.optimum[1], loss=cfg.loss,
                   now=r.losses[-1], best=r.optimum[2], stable=r.stable_lr))
    words = dict(path=kit.colour(charts.PATH_COLOURS["path"]), start=kit.colour(charts.PATH_COLOURS["start"]),
                 opt=kit.colour(charts.PATH_COLOURS["optimum"]), grey=kit.colour("grey"))
    f = r.facts
    text = tx("notice_down" if f.down else "notice_up", **words)
    if f.overshoot:
        text += tx("notice_overshoot", lr=f"{cfg.lr:g}", stable=r.stable_lr)
        text += tx("notice_diverged" if f.diverged else "notice_would")
    elif f.reached:
        text += tx("notice_reached", steps=r.last, tol=f"{regression.REACHED:g}", **words)
    else:
        text += tx("notice_short", steps=r.last, d=f.dist, **words)
        if f.jitters:
            text += tx("notice_mae")
    kit.notice(text)
    take_home(T, regression.script(cfg, kit.lang()), regression.SCRIPT_FILE)


def compare_part(cfg: regression.RegConfig) -> None:
    """MSE against MAE on the same examples: how far one outlier moves each exact fit."""
    st.header(tx("compare.header"))
    st.markdown(tx("compare.intro"))
    c = kit.shared(f"{T}-compare", regression.compare, cfg.data, cfg.feature, cfg.n, cfg.noise, cfg.outlier,
                   cfg.seed, gate=False)
    a1, a2 = st.columns(2)
    for col, kind in ((a1, "MSE"), (a2, "MAE")):
        kit.chart(charts.compare_surface, c, kind, where=col)
    kit.chart(charts.compare_data, c, cfg.data, cfg.feature)
    f = c.facts
    if not f.has_outlier:
        kit.notice(tx("compare.none"))
        return
    s1, s2 = st.columns(2)
    s1.metric(tx("compare.m_shift", loss="MSE"), f"{f.mse:.3f}")
    s2.metric(tx("compare.m_shift", loss="MAE"), f"{f.mae:.3f}")
    text = tx("compare.moved", mse=f.mse, mae=f.mae)
    if f.more:
        ratio = tx("compare.times", r=f.ratio) if f.ratio != float("inf") else tx("compare.inf")
        text += tx("compare.more", ratio=ratio)
    else:
        text += tx("compare.less")
    kit.notice(text + tx("compare.far"))


def features_part() -> None:
    """Training and validation loss as features are added one at a time (exact least-squares fits)."""
    st.header(tx("features.header"))
    f = kit.shared(f"{T}-features", regression.features, FF.config(seed=kit.seed()), gate=False)
    st.markdown(tx("features.intro", n_train=f.n_train, n_val=f.n_val))
    b1, b2 = st.columns([1, 3])
    with b1:
        FF("source")
        k = f.shown(FV("k"))
        st.metric(tx("features.m_train", k=k), f"{f.train[k - 1]:.4g}")
        st.metric(tx("features.m_val", k=k), f"{f.val[k - 1]:.4g}")
    with b2:
        d1, d2 = st.columns(2)
        kit.chart(charts.features_chart, f, k, where=d1)
        kit.chart(charts.weights_chart, f, k, where=d2)
        kit.notice(tx("features.notice", best=f.best_k) + tx("features.stops" if f.stops else "features.still"))


left, right = st.columns([1, 3], gap="medium")
with left:
    cfg = controls()
with right:
    descent_part(cfg)
st.divider()
compare_part(cfg)
st.divider()
features_part()
