"""The shapes part: a small tensor made from controls (never typed code), one operation, PyTorch's result or
PyTorch's own error message, and the plain reason decided here by rules on the shapes (tests check the rules
agree with PyTorch on every setting the controls allow).

Values: ``arange`` numbers the elements (a: 0, 1, 2, ...; b goes on where a stopped), so the output shows where
each element went; ``random`` draws small integers from the seeded generator. ``origin`` says which input each
output element came from (a, b, or both for ``+`` and ``*``): the op applied to tensors of 0s and 1s.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from core import params, rng
from core.params import choice, num

SHAPES = ("4", "2x3", "1x3", "3x1", "2x1x3", "2x3x1", "1x2x3", "2x2x3")  # tensor shapes the controls offer
OPS = ("squeeze", "unsqueeze", "transpose", "permute", "cat", "stack", "view", "reshape", "t_view", "add", "mul")
TARGETS = ("-1", "-1x1", "1x-1", "2x-1", "3x2", "2x3", "4x-1", "2x3x2")  # view / reshape targets
ORDERS = ("1,0", "0,2,1", "1,0,2", "2,0,1", "2,1,0", "1,2,0")  # permute orders
FIELDS = {"squeeze": ("dim",), "unsqueeze": ("dim",), "transpose": ("dim", "dim1"), "permute": ("order",),
          "cat": ("b", "dim"), "stack": ("b", "dim"), "view": ("target",), "reshape": ("target",),
          "t_view": ("target",), "add": ("b",), "mul": ("b",)}  # the controls each op reads besides a and values
RANDOM_MAX = 9  # random values are integers 0..RANDOM_MAX


@dataclass(frozen=True)
class ShapeConfig:
    a: str = choice("2x3", SHAPES)  # the shape of tensor a
    values: str = choice("arange", ("arange", "random"), widget="radio")  # a's (and b's) numbers
    op: str = choice("cat", OPS)  # the operation
    b: str = choice("2x3", SHAPES)  # the second tensor's shape (cat, stack, + and *)
    dim: int = num(0, -3, 3, step=1)  # the dim argument (transpose: the first of two)
    dim1: int = num(1, -3, 3, step=1)  # transpose's second dim
    order: str = choice("1,0", ORDERS)  # permute's new order of the dims
    target: str = choice("3x2", TARGETS)  # view / reshape: the shape asked for (-1: worked out)
    seed: int = 0  # random values only


def dims(s: str) -> tuple[int, ...]:
    """"2x-1" -> (2, -1); "1,0" -> (1, 0)."""
    return tuple(int(v) for v in s.replace(",", "x").split("x"))


def call(cfg: ShapeConfig) -> str:
    """The line of PyTorch the op is (language-neutral code)."""
    t = ", ".join(str(v) for v in dims(cfg.target))
    return {"squeeze": f"a.squeeze({cfg.dim})", "unsqueeze": f"a.unsqueeze({cfg.dim})",
            "transpose": f"a.transpose({cfg.dim}, {cfg.dim1})", "permute": f"a.permute({cfg.order.replace(',', ', ')})",
            "cat": f"torch.cat([a, b], dim={cfg.dim})", "stack": f"torch.stack([a, b], dim={cfg.dim})",
            "view": f"a.view({t})", "reshape": f"a.reshape({t})", "t_view": f"a.transpose(0, 1).view({t})",
            "add": "a + b", "mul": "a * b"}[cfg.op]


def apply(cfg: ShapeConfig, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """PyTorch does the op (raises PyTorch's own error where it refuses)."""
    op = cfg.op
    if op == "squeeze":
        return a.squeeze(cfg.dim)
    if op == "unsqueeze":
        return a.unsqueeze(cfg.dim)
    if op == "transpose":
        return a.transpose(cfg.dim, cfg.dim1)
    if op == "permute":
        return a.permute(*dims(cfg.order))
    if op in ("cat", "stack"):
        return (torch.cat if op == "cat" else torch.stack)([a, b], dim=cfg.dim)
    if op == "view":
        return a.view(*dims(cfg.target))
    if op == "reshape":
        return a.reshape(*dims(cfg.target))
    if op == "t_view":
        return a.transpose(0, 1).view(*dims(cfg.target))
    return a + b if op == "add" else a * b


def _in(d: int, n: int) -> bool:
    return -n <= d < n


def _fits(target: tuple[int, ...], numel: int) -> bool:
    known = math.prod(v for v in target if v != -1)
    return numel % known == 0 if -1 in target else known == numel


def reason(cfg: ShapeConfig, sa: tuple[int, ...], sb: tuple[int, ...]) -> str | None:
    """Why PyTorch refuses the op on shapes ``sa`` and ``sb`` (a key of the page's explanations), or None when
    it does not. Rules on the shapes alone; tests check them against PyTorch on every setting."""
    na, op = len(sa), cfg.op
    if op == "squeeze":
        return None if _in(cfg.dim, max(na, 1)) else "dim_range"
    if op == "unsqueeze":
        return None if _in(cfg.dim, na + 1) else "dim_range"
    if op == "transpose":
        return None if _in(cfg.dim, na) and _in(cfg.dim1, na) else "dim_range"
    if op == "permute":
        return None if len(dims(cfg.order)) == na else "permute_len"
    if op == "cat":
        if len(sb) != na:
            return "cat_ndim"
        if not _in(cfg.dim, na):
            return "dim_range"
        d = cfg.dim % na
        return None if all(x == y for i, (x, y) in enumerate(zip(sa, sb)) if i != d) else "cat_sizes"
    if op == "stack":
        if sa != sb:
            return "stack_sizes"
        return None if _in(cfg.dim, na + 1) else "dim_range"
    if op in ("view", "reshape", "t_view"):
        if op == "t_view" and na < 2:
            return "dim_range"
        if not _fits(dims(cfg.target), math.prod(sa)):
            return "view_size"
        if op == "t_view":
            moved = (sa[1], sa[0], *sa[2:])
            return None if _view_ok(moved, dims(cfg.target), math.prod(sa)) else "view_stride"
        return None
    for x, y in zip(reversed(sa), reversed(sb)):  # + and *: broadcasting from the last dim
        if x != y and 1 not in (x, y):
            return "broadcast"
    return None


def _view_ok(moved: tuple[int, ...], target: tuple[int, ...], numel: int) -> bool:
    """Whether ``a.transpose(0, 1)`` (shape ``moved``, a contiguous ``a`` before) can be viewed as ``target``:
    PyTorch's stride rule, decided by trying it on a tensor of that layout (shapes only, no values)."""
    probe = torch.empty((moved[1], moved[0], *moved[2:])).transpose(0, 1)
    try:
        probe.view(*target)
        return True
    except RuntimeError:
        return False


@dataclass
class ShapeResult:
    config: ShapeConfig
    a: torch.Tensor
    b: torch.Tensor | None  # None when the op takes one tensor
    out: torch.Tensor | None  # None when PyTorch refused
    origin: torch.Tensor | None  # same shape as out: 0 from a, 1 from b, 2 from both (+, *)
    error: str | None  # PyTorch's own message
    reason: str | None  # the page's explanation key (None when PyTorch accepted)
    code: str  # the line of PyTorch


def make(shape: tuple[int, ...], start: int, values: str, gen: torch.Generator | None) -> torch.Tensor:
    n = math.prod(shape)
    if values == "random" and gen is not None:
        return torch.randint(0, RANDOM_MAX + 1, shape, generator=gen)
    return torch.arange(start, start + n).reshape(shape)


def run(cfg: ShapeConfig) -> ShapeResult:
    cfg = params.clamp(cfg)
    gen = rng.generator(cfg.seed, "pytorch.shapes") if cfg.values == "random" else None
    sa = dims(cfg.a)
    a = make(sa, 0, cfg.values, gen)
    two = "b" in FIELDS[cfg.op]
    b = make(dims(cfg.b), a.numel(), cfg.values, gen) if two else torch.zeros(0)
    why = reason(cfg, tuple(a.shape), tuple(b.shape) if two else ())
    try:
        out = apply(cfg, a, b)
    except (RuntimeError, IndexError, ValueError) as e:
        return ShapeResult(cfg, a, b if two else None, None, None, str(e).strip(), why or "other", call(cfg))
    zeros, ones = torch.zeros_like(a), torch.ones_like(b)
    origin = apply(cfg, zeros, ones) if cfg.op in ("cat", "stack") else torch.full(out.shape, 2 if cfg.op in (
        "add", "mul") else 0)
    return ShapeResult(cfg, a, b if two else None, out, origin, None, why, call(cfg))


@dataclass(frozen=True)
class ShapeFacts:
    shapes: tuple[tuple[int, ...], ...]  # a, (b,) out
    shares: bool | None  # the output shares a's memory (a view), None when refused
    contiguous: bool | None
    unchanged: bool  # squeeze of a dim whose length is not 1: PyTorch gives the tensor back as it was
    expanded: tuple[int, ...] | None  # + and *: the shape both were broadcast to, when a and b differ
    sentences: tuple[str, ...] = ()  # the page's sentences about the result (catalogue keys), in order


def facts(r: ShapeResult) -> ShapeFacts:
    out = r.out
    shapes = tuple(tuple(t.shape) for t in (r.a, r.b, out) if t is not None)
    if out is None:
        return ShapeFacts(shapes, None, None, False, None)
    shares = out.untyped_storage().data_ptr() == r.a.untyped_storage().data_ptr()
    unchanged = r.config.op == "squeeze" and tuple(out.shape) == tuple(r.a.shape)
    grew = r.config.op in ("add", "mul") and r.b is not None and tuple(r.a.shape) != tuple(r.b.shape)
    arith = r.config.op in ("add", "mul")
    said = (("result_arith",) if arith else ("result",)) + (("from_b",) if r.config.op in ("cat", "stack") else ()) \
        + (("unchanged",) if unchanged else ()) + (("broadcast",) if grew else ()) + ("shares" if shares else "copies",)
    return ShapeFacts(shapes, bool(shares), out.is_contiguous(), unchanged, tuple(out.shape) if grew else None, said)
