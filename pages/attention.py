"""Self-attention: from one query's weights to a tiny transformer learning a pattern live."""
from dataclasses import replace

import streamlit as st

from core import attention as att
from core.charts import attention as charts
from pages import _legacy as kit

kit.header(
    "Self-attention",
    "Self-attention takes a set of vectors of any length and returns, for each one, a new vector that has looked at "
    "all of them. How much word *i* looks at word *j* is a dot product of a **query** and a **key**, turned into "
    "weights by a softmax; the output is the weighted sum of the **values**. Every word is computed in parallel, and "
    "nothing in it knows the order of the words until a **positional encoding** is added.",
    r"q^i = W^q a^i,\; k^j = W^k a^j,\; v^j = W^v a^j \qquad \alpha_{i,j} = \frac{q^i\cdot k^j}{\sqrt{d_k}} \qquad "
    r"\alpha'_{i,j} = \frac{e^{\alpha_{i,j}}}{\sum_{j'} e^{\alpha_{i,j'}}} \qquad b^i = \sum_j \alpha'_{i,j}\, v^j",
    "a^i: input vector of word i (its embedding x^i plus the positional encoding e^i) · W^q, W^k, W^v: learned "
    "matrices · q^i, k^j, v^j: query, key, value · d_k: their size (the √d_k scaling is optional) · α: attention "
    "scores · α′: weights after softmax, each row sums to 1 · b^i: output for word i. In matrix form "
    "B = softmax(QKᵀ/√d_k) V; multi-head attention runs several such sets and projects their concatenation by W^O.",
)

C, T = att.CalcConfig(), att.TrainConfig()
DEFAULTS = dict(at_text=C.sentence, at_d=C.d, at_heads=C.heads, at_scale=C.scale, at_pe=C.positional, at_mask=C.mask,
                at_w=C.window, at_query=C.query, at_task=T.task, at_layers=T.layers, at_theads=T.heads, at_pek=T.pe,
                at_steps=T.steps, at_lr=T.lr)
WINDOWS, STEPS, LRS = list(att.WINDOWS), list(att.STEPS), list(att.LRS)

kit.try_this([
    kit.Preset("Forget the order", "No positional encoding: shuffle the words and the outputs merely shuffle too "
               "(the difference below drops to 0).", dict(at_pe=False)),
    kit.Preset("Only look back", "A causal mask: each word sees itself and the words before it; the grey cells are "
               "never computed.", dict(at_mask="causal", at_query=6)),
    kit.Preset("A window is a CNN", "Truncated attention of width 3, as for long speech: n·w scores instead of n².",
               dict(at_mask="window", at_w=3)),
    kit.Preset("Learn to sort", "Sorting needs to look at the content, not only at the position: see the maps.",
               dict(at_task="sort", at_steps=300)),
], DEFAULTS)

# ---------------------------------------------------------------- the calculator
st.header("1 · The calculator: one sentence through one attention layer")
left, right = st.columns([1, 3], gap="large")
with left:
    sentence = kit.text("Sentence", C.sentence, "at_text",
                        f"Any short sentence: words become tokens (lower-cased letters and digits, at most "
                        f"{att.MAX_TOKENS} words, {att.MAX_CHARS} characters).", max_chars=att.MAX_CHARS)
    d = kit.select_slider("Embedding size d", att.D_CHOICES, C.d, "at_d",
                          "Length of each word's vector a^i (and of q, k, v over all heads).")
    heads = kit.radio("Heads", att.HEAD_CHOICES, C.heads, "at_heads",
                      "Attention heads side by side; each gets d / heads dimensions of q, k and v.")
    scale = kit.toggle("Divide scores by √d_k", C.scale, "at_scale",
                       "Scaled dot-product attention. Without it large vectors give large scores and a softmax "
                       "that picks a single key.")
    positional = kit.toggle("Add positional encoding e^i", C.positional, "at_pe",
                            "Add the sinusoidal encoding to every word's embedding. Without it attention cannot tell "
                            "the order of the words.")
    mask = kit.radio("Mask", att.MASKS, C.mask, "at_mask",
                     "Who may look at whom: everyone (none), only earlier words (causal), only the w nearest words "
                     "(window, truncated self-attention), or only neighbours in a small graph (a GNN).")
    window = kit.select_slider("Window width w", WINDOWS, C.window, "at_w",
                               "Positions a word sees under the window mask, itself in the middle; also the width of "
                               "the convolution in section 5.")
    query = kit.slider("Query to follow, position i", 1, att.MAX_TOKENS, C.query, "at_query",
                       "Which word's query is followed step by step (α → α′ → b) in head 1.")

# the followed query only picks a row, and the width only matters under the window mask: keep them out of
# the calculator's config so that moving them recomputes (and redraws) only what they change
cfg = att.CalcConfig(sentence=sentence or "", d=d, heads=heads, scale=scale, positional=positional, mask=mask,
                     window=window if mask == "window" else C.window, query=1, seed=kit.seed())
conv_cfg = replace(cfg, mask="none", window=window)
try:
    r = kit.shared("attention-calc", att.calculate, cfg, maxsize=48)
    qi = min(int(query), r.n) - 1  # 0-based followed query
except ValueError as e:
    r = None
    with right:
        kit.problem(f"{str(e).capitalize()}.")

if r is not None:
    with right:
        if qi + 1 < query:
            st.caption(f"The sentence has {r.n} words: following the last one, position {r.n}.")
        kit.chart(charts.matrices, r, ("embed", "pe", "a"))
        st.caption("Each word gets a seeded random embedding x^i (the same word, the same vector: see 'the'). "
                   + ("The sinusoidal encoding e^i is added, so the same word at two positions becomes two different "
                      "inputs." if r.config.positional else "No positional encoding is added: a^i = x^i."))
        kit.chart(charts.matrices, r, ("Q", "K", "V"))
        c1, c2 = st.columns(2)
        with c1:
            kit.chart(charts.scores, r, 0, "scores")
        with c2:
            kit.chart(charts.scores, r, 0, "weights")
        st.subheader(f"One query step by step: word {r.labels[qi]}")
        c1, c2 = st.columns(2)
        with c1:
            kit.chart(charts.query_steps, r, qi)
        with c2:
            kit.chart(charts.weighted_sum, r, qi)
        w_row = r.parts["weights"][0, qi]
        st.markdown(f"Row *i* of α′ sums to **{float(w_row.sum()):.3f}**; the largest weight goes to "
                    f"**{r.labels[int(w_row.argmax())]}** ({float(w_row.max()):.2f}). The bottom row, b^i, is the "
                    f"output of head 1 for this word.")
        kit.notice("**What to notice:** a score is just a dot product q^i·k^j; the softmax turns a row of scores into "
                   "weights that sum to 1, and the output b^i is the weighted sum of the values v^j. Every row of "
                   "the heatmaps is computed at once: that is the matrix form softmax(QKᵀ/√d_k)V.")

    # ------------------------------------------------------------ multi-head
    st.header("2 · Multi-head: several attentions side by side")
    st.markdown(f"**{r.config.heads} head{'s' if r.config.heads > 1 else ''}** of d_k = {r.d_head} dimensions each. "
                "Each head has its own slice of W^q, W^k and W^v, so each can look for a different kind of "
                "relevance; their outputs are concatenated and mixed by W^O.")
    cols = st.columns(r.config.heads)
    for h, col in enumerate(cols):
        with col:
            kit.chart(charts.scores, r, h, "weights")
    kit.chart(charts.matrices, r, ("concat", "out"))

    # ------------------------------------------------------------ position
    st.header("3 · Position: shuffle the words")
    st.markdown("The same words in a seeded shuffled order go through the same layer. On the left, the outputs on "
                "the shuffled words; on the right, the original outputs with their rows put in the shuffled order.")
    kit.chart(charts.shuffled, r)
    m1, m2 = st.columns(2)
    m1.metric("max |f(shuffled) − shuffled f(original)|", f"{r.equivariance_error:.2e}")
    m2.metric("positional encoding", "on" if r.config.positional else "off")
    if r.equivariance_error < 1e-4:
        st.success("The two halves are identical: without positions, shuffling the input only shuffles the output "
                   "(permutation equivariance). The layer cannot know the order of the words.")
    else:
        why = ("the positional encoding" if r.config.positional else f"the {r.config.mask} mask, which is tied to "
               "positions")
        st.markdown(f"The halves differ: {why} tells the layer where each word sits.")
    kit.notice("**What to notice:** self-attention has no notion of position. Turn the positional encoding off and the "
               "difference drops to zero: each word's output depends only on the set of words, not on their order.")

    # ------------------------------------------------------------ masks
    st.header("4 · Masks and their cost")
    full = att.cost(r.n, "none", window)["full"]
    done = att.cost(r.n, r.config.mask, window)["computed"]
    c1, c2 = st.columns([1, 2], gap="large")
    with c1:
        st.metric("scores in full attention (n²)", f"{full}")
        st.metric("scores with no mask" if r.config.mask == "none" else f"scores under the {r.config.mask} mask",
                  f"{done}", delta=f"{done - full}", delta_color="inverse")
        if r.config.mask == "graph":
            nb = {lab: [r.labels[j].split(" ", 1)[0] for j in range(r.n) if r.allowed[i, j] and j != i]
                  for i, lab in enumerate(r.labels)}
            st.caption("Graph: each word attends only to its neighbours (and itself): "
                       + "; ".join(f"{k} → {', '.join(v)}" for k, v in nb.items()))
        else:
            st.caption("The mask is drawn on the score heatmaps of section 1: grey cells are never computed. Pick "
                       "'window' to see truncated self-attention, 'graph' for attention on a graph.")
    with c2:
        kit.chart(charts.cost_chart, kit.shared("attention-cost", att.cost_table, window), window)
    kit.notice("**What to notice:** full attention computes n² scores, so doubling a long input (speech) quadruples "
               "the work; a window of width w computes about n·w, growing only linearly. A causal mask halves the "
               "work; a graph mask keeps only the edges, which is what a graph neural network does.")

    # ------------------------------------------------------------ CNN
    st.header("5 · A CNN is self-attention with a small fixed window")
    cc = kit.shared("attention-conv", att.compare_conv, conv_cfg, maxsize=48)
    c1, c2 = st.columns(2)
    with c1:
        kit.chart(charts.mixing, cc, "conv")
    with c2:
        kit.chart(charts.mixing, cc, "attn")
    st.markdown(f"Window attention whose scores depend only on the offset j − i is exactly this convolution: away "
                f"from the edges the two outputs differ by at most **{cc.interior_gap:.1e}** (F.conv1d against the "
                f"attention code).")
    kit.notice("**What to notice:** the convolution mixes the same w neighbours with the same weights at every "
               "position (every row of the left map is the same band). Window attention looks at the same "
               "neighbours but chooses its weights from the content, row by row: more flexible, and so it needs "
               "more data to learn.")

# ---------------------------------------------------------------- training
st.header("6 · Train a tiny transformer live")
left, right = st.columns([1, 3], gap="large")
with left:
    task = kit.radio("Task", att.TASKS, T.task, "at_task",
                     "Reverse: output i is input T−1−i. Sort: the inputs in increasing order. Shift by 1: output i "
                     "is input i−1 (copy with an offset).", horizontal=False)
    layers = kit.radio("Layers", [1, 2], T.layers, "at_layers", "Transformer blocks (attention then a small MLP).")
    theads = kit.radio("Heads per layer", [1, 2, 4], T.heads, "at_theads", "Attention heads in every layer.")
    pek = kit.radio("Positional encoding of the first model", att.PE_KINDS, T.pe, "at_pek",
                    "Hand-crafted sinusoids or learned position vectors. The second model gets none.")
    steps = kit.select_slider("Updates", STEPS, T.steps, "at_steps", f"Adam updates, {att.BATCH} fresh random sequences each.")
    lr = kit.select_slider("Learning rate", LRS, T.lr, "at_lr", "Adam step size. Too large and training goes astray.")

tcfg = att.TrainConfig(task=task, layers=layers, heads=theads, pe=pek, steps=steps, lr=lr, seed=kit.seed())
with right:
    st.markdown(f"Sequences of **{T.length} symbols** from 0–{T.vocab - 1}; two models with the same initial weights "
                f"train as one batched computation, one with {pek} positional encoding and one without.")
    bar = st.empty()
    acc_ph = st.empty()
    st.caption("Attention maps on one held-out sequence (darker: more weight, 0 to 1), in the last layer: each row "
               "is an output position, each column the input position it looks at.")
    n_maps = min(4, theads) + 1  # every head of the model with PE, then head 1 of the model without
    per_row = 2 if n_maps == 2 else 3
    slots = [c.empty() for _ in range(-(-n_maps // per_row)) for c in st.columns(per_row)]
    map_ph, nopos_ph = slots[: n_maps - 1], slots[n_maps - 1]

    def draw(res: att.TrainResult, live: bool) -> None:
        if live:
            bar.progress(min(1.0, res.log.steps / max(1, res.log.planned)),
                         text=f"training… update {res.log.steps} of {res.log.planned}")
        L = res.config.layers - 1
        kit.chart(charts.accuracy_chart, res, where=acc_ph, live=live)
        for h, ph in enumerate(map_ph):
            kit.chart(charts.train_map, res, 0, L, h, where=ph, live=live)
        if not live:  # live frames draw the accuracy and the maps that change most: cheaper
            kit.chart(charts.train_map, res, 1, L, 0, where=nopos_ph)

    res = kit.shared("attention-train", att.train_tiny, tcfg, progress=lambda x: draw(x, True))
    bar.empty()
    draw(res, False)
    kit.report(res.log, att.MODEL_NAMES)
    x, y = res.example
    m = st.columns(4)
    m[0].metric("accuracy with PE", f"{res.accuracy[0]:.1%}")
    m[1].metric("accuracy without PE", f"{res.accuracy[1]:.1%}")
    m[2].metric("sequences all right, with PE", f"{res.exact[0]:.1%}")
    m[3].metric("sequences all right, no PE", f"{res.exact[1]:.1%}")
    st.markdown(f"Example: input `{' '.join(map(str, x))}` → target `{' '.join(map(str, y))}`; with PE "
                f"`{' '.join(map(str, res.predicted[0]))}`, without `{' '.join(map(str, res.predicted[1]))}`.")
    pattern = {"reverse": "output i must fetch input T−1−i: with positional encoding the maps turn into the "
                          "anti-diagonal and accuracy reaches 100%",
               "sort": "output i must find the i-th smallest symbol: the maps look at content (where the small or "
                       "large symbols are) as well as at the rank of the output, which only positions can tell",
               "shift by 1": "output i must fetch input i−1: with positional encoding the maps turn into the "
                             "diagonal just below the main one (wrapping round), and accuracy reaches 100%"}[res.config.task]
    kit.notice(f"**What to notice:** {pattern}. Without positional encoding the model sees only a bag of symbols: every "
               "position is treated alike, so the outputs can only depend on the symbol in place and on the bag, and "
               "accuracy stalls far below: the order cannot be learned without positions.")
    if not res.log.diverged:
        d1, d2 = st.columns(2)
        d1.download_button("Training history (CSV)", att.history_csv(res), "attention_history.csv", "text/csv",
                           help="Loss and held-out accuracy of both models every 10 updates.")
        d2.download_button("Trained weights (.safetensors)", att.weights_safetensors(res), "tiny_transformer.safetensors",
                           "application/octet-stream",
                           help="Both models; each block in nn.TransformerEncoderLayer layout (norm_first, no bias).")
