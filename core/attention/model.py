"""M tiny transformer encoders trained as one batched computation (several seeds, with and without
positional encoding), their weights in ``nn.TransformerEncoderLayer`` layout."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from core import rng
from core.attention.layer import attention, merge_heads, sinusoidal, split_heads


def _initial(cfg, seed: int) -> dict[str, torch.Tensor]:
    """One seed's initial weights (the models of one seed all start from them)."""
    gen = rng.generator(seed, "attention.model_init")
    d, L, V, T, ff = cfg.d, cfg.layers, cfg.vocab, cfg.length, cfg.d

    def init(*shape, fan):
        return torch.randn(*shape, generator=gen) / math.sqrt(fan)

    w = {"emb": init(V, d, fan=1)}  # (V, d) token embeddings
    if cfg.pe == "learned":
        w["pos"] = init(T, d, fan=1)  # (T, d) learned positions
    w.update(wqkv=init(L, 3 * d, d, fan=d), wo=init(L, d, d, fan=d),  # (L, 3d, d), (L, d, d)
             w1=init(L, ff, d, fan=d), w2=init(L, d, ff, fan=ff), out=init(V, d, fan=d))  # (L, ff, d) (L, d, ff) (V, d)
    return w


class BatchedTransformer(torch.nn.Module):
    """M tiny pre-norm transformer encoders trained as one batched computation.

    Model m starts from the initial weights of ``seeds[m]`` and adds the positional encoding times
    ``use_pe[m]`` (models of one seed differ only there). Each block: h += W^O concat(heads(LN h));
    h += W2 relu(W1 LN h). Weights are in ``nn.Linear`` layout (out, in) so a block loads into
    ``nn.TransformerEncoderLayer(norm_first=True, bias=False)``.
    """

    def __init__(self, cfg, use_pe: list[bool], seeds: list[int]):
        super().__init__()
        if len(seeds) != len(use_pe):
            raise ValueError("one seed per model")
        self.cfg, self.M = cfg, len(use_pe)
        start = {s: _initial(cfg, s) for s in dict.fromkeys(seeds)}
        for name in start[seeds[0]]:
            stacked = torch.stack([start[s][name] for s in seeds])  # (M, *shape)
            setattr(self, name, torch.nn.Parameter(stacked))
        if cfg.pe != "learned":
            self.pos = None
        self.register_buffer("sin", sinusoidal(cfg.length, cfg.d))  # (T, d)
        self.register_buffer("use_pe", torch.tensor(use_pe, dtype=torch.float32)[:, None, None, None])  # (M,1,1,1)

    def positions(self) -> torch.Tensor:
        return self.pos if self.pos is not None else self.sin.expand(self.M, -1, -1)  # (M, T, d)

    def forward(self, x: torch.Tensor, keep: bool = False):
        """x: (B, T) tokens for every model, or (M, B, T) one batch per model -> logits (M, B, T, V);
        with ``keep`` also the attention weights [(M, B, H, T, T)] of each layer."""
        d, H = self.cfg.d, self.cfg.heads
        if x.dim() == 2:
            x = x.expand(self.M, -1, -1)  # (M, B, T)
        h = self.emb[torch.arange(self.M, device=x.device)[:, None, None], x]  # (M, B, T, d)
        h = h + self.use_pe * self.positions()[:, None]  # (M, B, T, d)
        M, B, T = x.shape
        h = h.reshape(M, B * T, d)  # (M, BT, d): every linear map is one (BT, d) matrix product per model
        maps = []
        for layer in range(self.cfg.layers):
            a = F.layer_norm(h, (d,))  # (M, BT, d)
            qkv = torch.bmm(a, self.wqkv[:, layer].transpose(-1, -2)).reshape(M, B, T, 3 * d)  # (M, B, T, 3d)
            q, k, v = (split_heads(t, H) for t in qkv.split(d, dim=-1))  # (M, B, H, T, d_h)
            o, w, _ = attention(q, k, v)  # (M, B, H, T, d_h), (M, B, H, T, T)
            h = h + torch.bmm(merge_heads(o).reshape(M, B * T, d), self.wo[:, layer].transpose(-1, -2))  # (M, BT, d)
            f = torch.relu(torch.bmm(F.layer_norm(h, (d,)), self.w1[:, layer].transpose(-1, -2)))  # (M, BT, ff)
            h = h + torch.bmm(f, self.w2[:, layer].transpose(-1, -2))  # (M, BT, d)
            if keep:
                maps.append(w.detach())
        logits = torch.bmm(F.layer_norm(h, (d,)), self.out.transpose(-1, -2)).reshape(M, B, T, -1)  # (M, B, T, V)
        return (logits, maps) if keep else logits

    def block_state(self, m: int, layer: int) -> dict[str, torch.Tensor]:
        """Block ``layer`` of model m as an ``nn.TransformerEncoderLayer(norm_first=True, bias=False)`` state dict."""
        d = self.cfg.d
        return {"self_attn.in_proj_weight": self.wqkv[m, layer].detach().clone(),
                "self_attn.out_proj.weight": self.wo[m, layer].detach().clone(),
                "linear1.weight": self.w1[m, layer].detach().clone(),
                "linear2.weight": self.w2[m, layer].detach().clone(),
                "norm1.weight": torch.ones(d), "norm2.weight": torch.ones(d)}

    def export(self, m: int) -> dict[str, torch.Tensor]:
        out = {"embedding": self.emb[m].detach().clone(), "readout": self.out[m].detach().clone()}
        if self.use_pe[m].item():
            out["positions"] = self.positions()[m].detach().clone()
        for layer in range(self.cfg.layers):
            out.update({f"block{layer}.{k}": v for k, v in self.block_state(m, layer).items()})
        return out
