"""Server-wide compute for the pages: one computation per config shared by every session, bounded
caches, a queue that lets at most ``RUNNING`` trainings run at once, and the heap frozen after start-up.

Every browser session is a thread of one process, so everything here is guarded by locks, and nothing
here changes a process-wide switch while a session might be using it.
"""
from __future__ import annotations

import gc
import os
import sys
import threading
from collections import OrderedDict
from dataclasses import fields, is_dataclass
from typing import Any, Callable, Hashable

import numpy as np
import streamlit as st

from core import train

RUNNING = 2  # trainings computing at once; the rest wait their turn (2 cores: more only slows all of them)
STORE_BYTES = 12 * 2**20  # each named store keeps at most this many bytes of results (and MAX_ENTRIES)
MAX_ENTRIES = 16
TOTAL_BYTES = 96 * 2**20  # all stores together (every page adds stores): the fullest gives up its oldest first


# ---------------------------------------------------------------- start-up: import once, freeze the heap

_warm_lock = threading.Lock()
_warm = False


def warm_up() -> None:
    """Import everything heavy once, then ``gc.freeze()`` the heap.

    Streamlit runs ``gc.collect(2)`` after every script run. With torch (and the ``torch._dynamo`` +
    sympy that the first optimizer step imports lazily), altair, pandas and scikit-learn loaded, the heap
    holds about 400k objects and each full collection held the GIL for 0.15-0.2 s, so 30 sessions queued
    behind it. Frozen objects are skipped by the collector: after the freeze a collection only walks
    what the runs themselves allocate. Measured with scripts/bench.py --load (figures in
    .streamlit/config.toml): the freeze cut the server's CPU per view 2-3 times; turning the per-run
    collection off as well (runner.postScriptGC = false) cut it a further 1.2-2.4 times, so the app does
    both (the freeze keeps Python's own generational collections cheap too).
    """
    global _warm
    if _warm:
        return
    with _warm_lock:
        if _warm:
            return
        import altair  # noqa: F401
        import pandas  # noqa: F401
        import sklearn.datasets  # noqa: F401
        import torch

        p = torch.zeros(2, requires_grad=True)
        opt = torch.optim.Adam([p], lr=0.1)  # the first step imports torch._dynamo and sympy
        p.sum().backward()
        opt.step()
        _fewer_malloc_arenas()
        if os.environ.get("DLC_GC_FREEZE", "1") != "0":  # 0: for the benchmark's side-by-side only
            gc.collect()
            gc.freeze()
        _warm = True


def _libc():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, Windows, musl)
        return None


_LIBC = _libc()


def trim() -> None:
    """Hand memory freed by a computation back to the system (glibc keeps it otherwise)."""
    if _LIBC is not None:
        try:
            _LIBC.malloc_trim(0)
        except AttributeError:
            pass


def _fewer_malloc_arenas(n: int = 2) -> None:
    """glibc gives every thread that allocates at once its own malloc arena; thirty sessions (threads)
    training and drawing at the same moment leave thirty arenas' worth of freed but unreturned memory.
    Capping the arenas (what MALLOC_ARENA_MAX does) keeps the server's memory near what it really holds."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, n)  # M_ARENA_MAX
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to do
        pass


# ---------------------------------------------------------------- bounded stores of shared results

def nbytes(obj: Any, _depth: int = 0) -> int:
    """A result's approximate size: arrays, tensors and frames counted by their buffers."""
    if _depth > 6 or obj is None:
        return 0
    if isinstance(obj, np.ndarray):
        return int(obj.nbytes)
    mod = type(obj).__module__
    if mod.startswith("torch"):
        try:
            return int(obj.element_size() * obj.nelement())
        except AttributeError:
            pass
    if mod.startswith("pandas"):
        try:
            return int(obj.memory_usage(index=True, deep=False).sum())
        except (AttributeError, TypeError):
            try:
                return int(obj.memory_usage(index=True, deep=False))
            except (AttributeError, TypeError):
                return 0
    if isinstance(obj, (bytes, str)):
        return len(obj)
    if isinstance(obj, dict):
        return sum(nbytes(v, _depth + 1) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(nbytes(v, _depth + 1) for v in obj[:10_000])
    if is_dataclass(obj):
        return sum(nbytes(getattr(obj, f.name, None), _depth + 1) for f in fields(obj))
    return sys.getsizeof(obj)


def ident(a: Any) -> Hashable:
    """One argument's part of a key: its value when hashable (configs, numbers, strings), else its identity.

    An argument kept by identity (a shared result passed to the next computation) is held alive by the
    entry that names it, so its id cannot be reused by another object while the entry exists.
    """
    try:
        hash(a)
        return ("v", a)
    except TypeError:
        return ("id", id(a))


class Store:
    """A bounded, single-flight store: ``get_or_make(args, make)`` runs ``make()`` once per key however many
    sessions ask at once (the others wait for that run), and keeps at most ``max_entries`` results and
    ``max_bytes`` bytes (oldest out first). Used for the pages' results and for their chart specs.

    Why not ``st.cache_data``: a training run draws its progress into placeholders the page made outside
    the cached function (cache_data replays elements made inside it only); results must be bounded in
    bytes across every store together; at most ``RUNNING`` trainings may compute at once with a queue
    message for the rest; and a run the guard cut must not be kept. (The pinned Streamlit's cache does
    single-flight; that is not the reason.)
    """

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int | None = STORE_BYTES) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.lock = threading.Lock()
        self.data: OrderedDict[Hashable, tuple[Any, int, tuple]] = OrderedDict()  # key -> (value, bytes, args)
        self.bytes = 0
        self.key_locks: dict[Hashable, threading.Lock] = {}

    @staticmethod
    def key(args: tuple) -> Hashable:
        return tuple(ident(a) for a in args)

    def get(self, key: Hashable) -> tuple[bool, Any]:
        with self.lock:
            hit = self.data.get(key)
            if hit is None:
                return False, None
            self.data.move_to_end(key)
            return True, hit[0]

    def put(self, key: Hashable, value: Any, args: tuple = ()) -> None:
        size = nbytes(value) if self.max_bytes is not None else 0
        with self.lock:
            if key in self.data:
                self.bytes -= self.data.pop(key)[1]
            self.data[key] = (value, size, args)
            self.bytes += size
            while len(self.data) > 1 and (len(self.data) > self.max_entries
                                          or self.max_bytes is not None and self.bytes > self.max_bytes):
                self.bytes -= self.data.popitem(last=False)[1][1]
        if self.max_bytes is not None:
            _within_total()

    def drop_oldest(self) -> bool:
        with self.lock:
            if len(self.data) <= 1:
                return False
            self.bytes -= self.data.popitem(last=False)[1][1]
            return True

    def get_or_make(self, args: tuple, make: Callable[[], tuple[Any, bool]]) -> Any:
        """The stored result for ``args``, else ``make()`` -> (value, keep) run once for all who ask."""
        key = self.key(args)
        ok, value = self.get(key)
        if ok:
            return value
        with self.lock:
            key_lock = self.key_locks.setdefault(key, threading.Lock())
        try:
            with key_lock:
                ok, value = self.get(key)
                if ok:
                    return value
                value, keep = make()
                if keep:
                    self.put(key, value, args)
                return value
        finally:
            with self.lock:
                self.key_locks.pop(key, None)


_STORES: list[Store] = []
_stores_lock = threading.Lock()


def _within_total() -> None:
    """Keep all stores together under TOTAL_BYTES: the store holding the most gives up its oldest entry."""
    with _stores_lock:
        while sum(s.bytes for s in _STORES) > TOTAL_BYTES:
            if not any(s.drop_oldest() for s in sorted(_STORES, key=lambda s: -s.bytes)):
                break  # every store is down to its newest entry


@st.cache_resource(show_spinner=False)
def _store(name: str) -> Store:
    s = Store()
    with _stores_lock:
        _STORES.append(s)
    return s


_gate = threading.BoundedSemaphore(RUNNING)
_queue_lock = threading.Lock()
_waiting = 0


def _gated(fn: Callable[[], Any], queued: Callable[[int], None] | None) -> Any:
    """Run ``fn`` when one of the ``RUNNING`` slots is free; ``queued(n)`` is told the queue length first."""
    global _waiting
    if not _gate.acquire(blocking=False):
        with _queue_lock:
            _waiting += 1
            ahead = _waiting
        try:
            if queued is not None:
                queued(ahead)
            _gate.acquire()
        finally:
            with _queue_lock:
                _waiting -= 1
    try:
        return fn()
    finally:
        _gate.release()


class Busy(Exception):
    """A run the wall-time guard cut (``train.GUARD_SECONDS``): not stored and not drawn as the answer."""


def shared(name: str, fn: Callable[..., Any], *args, queued: Callable[[int], None] | None = None,
           gate: bool = True, progress: Callable[[Any], None] | None = None) -> Any:
    """``fn(*args)`` computed once per ``args`` for the whole server, and kept in the store ``name``.

    Everything the computation reads is in ``args``, so ``args`` is the key (values by value, shared
    results by identity). ``progress`` (not part of the key) is passed on as ``fn(*args, progress=...)``
    to draw a run live. Training runs take one of ``RUNNING`` slots, ``queued(n)`` called when the run
    has to wait; ``gate=False`` for computations of a few milliseconds. A run the guard cut raises
    ``Busy`` and is not kept. Results are shared between sessions: read-only.
    """
    def make():
        def compute():
            with train.guarded() as w:
                value = fn(*args) if progress is None else fn(*args, progress=progress)
            return value, w.cut

        value, cut = _gated(compute, queued) if gate else compute()
        if gate:
            trim()
        if cut:
            raise Busy(name)
        return value, True

    return _store(name).get_or_make(args, make)


def peek(name: str, *args) -> tuple[bool, Any]:
    """(True, result) when the result for ``args`` is stored, else (False, None)."""
    return _store(name).get(Store.key(args))
