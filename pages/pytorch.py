"""PyTorch basics: a complete training script run live section by section (default), tensor shapes, autograd,
the DataLoader's batches, and the bugs every student writes. Only the chosen part is computed and drawn."""
import streamlit as st

from core import pytorch as pt
from core.charts import GREY, hex_of
from core.charts import pytorch as charts
from pages import _kit as kit

T = "pytorch"
tx = kit.Text(T)
V = kit.Form(T, pt.PytorchView)
S = kit.Form(T, pt.ScriptConfig)
H = kit.Form(T, pt.ShapeConfig)
G = kit.Form(T, pt.GradConfig, prefix="g_")  # words under grad.* and loader.*: their field names are used above
D = kit.Form(T, pt.LoaderConfig, prefix="dl_")
B = kit.Form(T, pt.BugConfig)
kit.page(T, [V, S, H, G, D, B], [
    kit.Preset("digits", {"task": "digits"}),
    kit.Preset("view", {"part": "shapes", "op": "t_view", "target": "-1"}),
    kit.Preset("accumulate", {"part": "autograd", "g_expr": "neuron", "g_steps": 10}),
    kit.Preset("softmax", {"part": "bugs", "bug": "softmax"}),
], r"\theta \leftarrow \theta - \eta\,\frac{\partial L}{\partial \theta},\qquad"
   r"L = \frac{1}{B}\sum_{i \in \text{batch}} \big(f_\theta(x_i) - y_i\big)^2")
left, right = st.columns([1, 3], gap="medium")


def own(form: kit.Form, group: str, name: str):
    """A control whose words are under ``<group>.<name>``: its field name is another part's word too."""
    return form(name, label=tx(f"{group}.{name}.label"), help=tx(f"{group}.{name}.help"))


def frame(r: pt.ScriptResult, blocks, section: str, epoch: int, live: bool = False) -> None:
    """The sections as a row of steps (the running one marked), the loss and predictions so far, the running
    section's code and what it did."""
    at = pt.SECTIONS.index(section)
    st.markdown(charts.section_steps([b.title for b in blocks[1:]], section))
    c1, c2 = st.columns(2, gap="medium")
    kit.chart(charts.loss_chart, r, epoch, where=c1, live=live)
    kit.chart(charts.pred_chart, r, epoch, where=c2, live=live)
    box = st.container(border=True)
    box.markdown(charts.frame_said(r, blocks[1 + at].title, section, epoch, kit.lang()))
    box.code(blocks[1 + at].text, language="python", wrap_lines=True)


def script() -> None:
    with left:
        for name in ("task", "hidden", "lr", "batch", "epochs"):
            S(name)
    cfg = S.config(seed=kit.seed())
    text = pt.script_text(cfg, kit.lang())
    blocks = pt.script.sections(text)
    with right:
        r = kit.train_live(f"{T}-script", pt.train_script, cfg, count=lambda p: (p.log.steps, p.log.planned),
                           frame=lambda p: frame(p.result, blocks, "loop", p.result.epochs_done, live=True))
        kit.report(r.log, [tx("run_name")])
        fr = pt.frames(r.epochs_done) if not r.diverged else pt.frames(r.epochs_done)[:-2]
        kit.player("frame", len(fr) - 1, lambda k: frame(r, blocks, *fr[k]), label=tx("frame_label"),
                   default=fr.index(("loop", r.epochs_done)) if r.epochs_done else None)
        st.caption(tx("device", cuda=r.cuda, device=r.device))
        if (f := pt.script_facts(r)) is not None:  # None: it diverged (said above)
            kit.notice(charts.script_notice(f, kit.lang()))
        kit.exports(T, [("script", lambda: text.encode("utf-8"), pt.FILE_NAME),
                        ("weights", (lambda: r.weights) if r.weights else None, pt.WEIGHTS_FILE)])
        with st.expander(tx("whole", lines=text.count("\n"))):
            st.code(text, language="python", line_numbers=True)


def grid(t, origin, name: str, where) -> None:
    where.markdown(tx("tensor", name=name, shape=charts.shape_text(t)))
    where.vega_lite_chart(kit.spec_for(charts.tensor_chart, t, origin, kit.lang()), width="content")


def shapes() -> None:
    with left:
        for name in ("a", "values", "op") + pt.SHAPE_FIELDS[H.value("op")]:
            H(name)
    cfg = H.config(seed=kit.seed() if H.value("values") == "random" else 0)
    r = kit.shared(f"{T}-shape", pt.shape, cfg, gate=False)
    f = pt.shape_facts(r)
    with right:
        st.code(r.code, language="python")
        c = st.columns(2 if r.b is not None else 1)
        grid(r.a, None, "a", c[0])
        if r.b is not None:
            grid(r.b, None, "b", c[1])
        if r.error is not None:
            kit.problem(tx(f"why.{r.reason}"))
            st.caption(tx("error_lead"))
            st.code(r.error, language=None, wrap_lines=True)
            return
        grid(r.out, r.origin, tx("out"), st)
        kit.notice(charts.shape_notice(r, f, cfg, kit.lang()))


def autograd() -> None:
    with left:
        for name in ("expr", "w", "b") + (("c",) if G.value("expr") == "neuron" else ()) + ("steps", "lr"):
            own(G, "grad", name)
    r = kit.shared(f"{T}-grad", pt.autograd, G.config(), gate=False)
    f = pt.grad_facts(r)
    with right:
        g, c = st.columns([5, 4], gap="small")
        g.latex(pt.FORMULA[r.config.expr])
        g.caption(tx("graph_caption", x=f"{pt.graph.X:g}", y=f"{pt.graph.Y:g}"))
        g.graphviz_chart(pt.dot(r, {k: hex_of(v) for k, v in charts.GRAPH_COLOURS.items()}, GREY), width="stretch")
        kit.chart(charts.grad_chart, r, where=c)
        kit.chart(charts.step_loss_chart, r, where=c)
        st.markdown(pt.grad_table(r, tx("grad_table")))
        caption, notice = charts.grad_words(r, f, kit.lang())
        st.caption(caption)
        kit.notice(notice)


def data() -> None:
    with left:
        for name in ("n", "batch_size", "shuffle", "drop_last", "epochs"):
            own(D, "loader", name)
    cfg = D.config(seed=kit.seed() if D.value("shuffle") else 0)
    r = kit.shared(f"{T}-data", pt.batches, cfg, gate=False)
    f = pt.loader_facts(r)
    with right:
        kit.chart(charts.batches_chart, r)
        kit.notice(charts.loader_notice(f, cfg, kit.lang()))
        st.code(pt.loader_code(cfg), language="python", wrap_lines=True)


def bugs() -> None:
    with left:
        B("bug")
    cfg = B.config(seed=kit.seed())
    with right:
        r = kit.shared(f"{T}-bugs", pt.bugs, cfg, queued=kit.queued(st.empty()))
        f = pt.bug_facts(r)
        good, bad = pt.BUG_CODE[cfg.bug]
        for code, c in zip((bad, good), st.columns(2, gap="medium")):
            c.code(code, language="python", wrap_lines=True)
        for side, c in zip(("broken", "correct"), st.columns(2, gap="medium")):
            kit.chart(charts.bug_chart, r, side, where=c)
        kit.notice(tx(f"bug.{cfg.bug}") + " " + tx(f"bug_said.{f.key}", **f.fields()))
        st.caption(charts.bug_caption(kit.lang()))
        if r.memory is not None:
            kit.chart(charts.memory_chart, r)
        if r.warning:
            st.caption(tx("warning_lead"))
            st.code(r.warning, language=None, wrap_lines=True)


kit.parts(V, {"script": script, "shapes": shapes, "autograd": autograd, "data": data, "bugs": bugs}, where=left,
          horizontal=False)
