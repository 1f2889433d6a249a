"""An uploaded image for the filter part, decoded with Pillow only (never unpickled, never evaluated):
PNG or JPEG, at most ``MAX_BYTES`` bytes and ``MAX_PIXELS`` pixels, turned grey and shrunk for drawing."""
from __future__ import annotations

import io

import numpy as np

from core.convolution.filter import DISPLAY, downsample

MAX_BYTES = 2 * 2**20  # largest upload accepted (2 MiB)
MAX_MB = MAX_BYTES // 2**20  # the same, as the page says it
MAX_PIXELS = 4096 * 4096  # largest decoded image accepted (a decompression bomb stops here)
FORMATS = ("PNG", "JPEG")
TYPES = ("png", "jpg", "jpeg")  # what the uploader offers


class UploadError(ValueError):
    """Why an upload was refused: ``code`` is "too_large", "not_image" or "too_many_pixels"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def decode(data: bytes, max_bytes: int = MAX_BYTES) -> np.ndarray:
    """The upload as a grey image (H, W) in [0, 1], longest side at most DISPLAY; UploadError otherwise."""
    if len(data) > max_bytes:
        raise UploadError("too_large")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as im:
            w, h = im.size
            if w * h > MAX_PIXELS or w < 1 or h < 1:
                raise UploadError("too_many_pixels")
            im.draft("L", (DISPLAY * 4, DISPLAY * 4))  # JPEG: decode at a reduced size straight away
            grey = np.asarray(im.convert("L"), dtype=np.float64) / 255.0  # (H, W)
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise UploadError("not_image") from None
    return downsample(grey)


def read(data: bytes | None) -> tuple[np.ndarray | None, str | None]:
    """(the decoded image, None), or (None, why): "none" when nothing was uploaded, else UploadError's code."""
    if data is None:
        return None, "none"
    try:
        return decode(data), None
    except UploadError as e:
        return None, e.code
