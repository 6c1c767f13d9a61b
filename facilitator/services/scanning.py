"""Reading badge QR codes from camera frames, for the check-in desk's camera."""

from __future__ import annotations

import numpy as np

from facilitator.documents.qr import read_qr_codes


def read_badge_codes(gray: np.ndarray) -> list[str]:
    """The text of every QR code in a greyscale frame (a height by width uint8 array); [] if none is readable."""
    return read_qr_codes(gray)
