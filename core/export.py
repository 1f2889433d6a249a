"""Exports shared by the pages: trained weights as ``.safetensors`` (never pickle)."""
from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any, Mapping

import torch


def safetensors_bytes(groups: Mapping[str, Mapping[str, torch.Tensor]], config: Any = None,
                      extra: Mapping[str, str] | None = None) -> bytes:
    """``{prefix: state_dict}`` -> one ``.safetensors`` file with keys ``prefix.name`` (no prefix when it is
    empty); the config's fields (and ``extra``) go in as string metadata."""
    from safetensors.torch import save

    tensors = {(f"{p}.{k}" if p else k): v.detach().contiguous() for p, sd in groups.items() for k, v in sd.items()}
    meta = {k: str(v) for k, v in (asdict(config) if is_dataclass(config) else {}).items()}
    return save(tensors, metadata={**meta, **(extra or {})})
