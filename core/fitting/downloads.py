"""The fitting page's downloads: the loss history as CSV, both trained models as ``.safetensors``."""
from __future__ import annotations

from core.export import safetensors_bytes
from core.fitting.config import NAMES
from core.fitting.result import FitResult


def history_csv(result: FitResult) -> bytes:
    """The loss history, one row per epoch, model and split."""
    return result.history.to_csv(index=False).encode()


def weights_safetensors(result: FitResult) -> bytes:
    """Both trained models' weights (``nn.Sequential`` layout) as a ``.safetensors`` file."""
    return safetensors_bytes(dict(zip(NAMES, result.weights)), result.config)
