"""Reading badge QR codes from camera frames, for the check-in desk's camera."""

from __future__ import annotations

from typing import TYPE_CHECKING

from facilitator.documents.qr import read_qr_codes

if TYPE_CHECKING:  # numpy loads with the first camera frame
    import numpy as np


def read_badge_codes(gray: np.ndarray) -> list[str]:
    """The text of every QR code in a greyscale frame (a height by width uint8 array); [] if none is readable."""
    return read_qr_codes(gray)
