"""QR codes: one library, zxing-cpp, both writes them (drawn as vectors in PDFs) and reads camera frames.

zxing-cpp encodes natively: a certificate's 800-character signed payload takes it about 3 ms, where the
pure-Python encoder used before took over 100 ms choosing a mask. The matrix includes the quiet zone, so whoever
lays a code out reserves the white margin by giving `draw_qr` the whole square, and nothing else can be printed
inside it by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import zxingcpp

if TYPE_CHECKING:
    import numpy as np

# Level Q restores up to a quarter of the code: badges go into plastic holders with glare, get folded and
# scratched. Our 31-character payload still fits version 3 (29 modules), so modules stay large.
ERROR_CORRECTION = "Q"
# By name, for callers that pick a level (a certificate's long signed payload is too dense at Q).
LEVELS = {"L": "L", "M": "M", "Q": "Q"}
QUIET_ZONE = 4  # modules of white on every side, as the QR standard asks


def qr_matrix(text: str, error_correction: str = ERROR_CORRECTION) -> list[list[bool]]:
    """The code's modules, row by row from the top, True for dark, quiet zone included."""
    return [list(row) for row in _encode(text, error_correction)]


@lru_cache(maxsize=1024)
def _encode(text: str, error_correction: str) -> tuple[tuple[bool, ...], ...]:
    # Each badge's code is drawn twice (badge and roster row), so the result is kept (immutable, so no caller
    # can spoil it for the next).
    return tuple(tuple(row) for row in encode(text, error_correction))


def encode(text: str, error_correction: str = ERROR_CORRECTION) -> list[list[bool]]:
    """Like `qr_matrix`, but not kept: for codes drawn once (a certificate's), which would only crowd the cache.

    Upper-case letters and digits go in alphanumeric mode by themselves; the smallest version that holds the
    text at this level is used."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=error_correction)
    # Read through the image's buffer, not numpy: the console draws QR codes, and numpy would add a tenth of a
    # second to the app's start for a grid of at most 177x177 modules.
    pixels = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    height, width = pixels.shape
    flat = pixels.tobytes()  # row by row; black modules are 0
    blank = [False] * (width + 2 * QUIET_ZONE)
    rows = [[False] * QUIET_ZONE + [v == 0 for v in flat[r * width:(r + 1) * width]] + [False] * QUIET_ZONE
            for r in range(height)]
    return [list(blank) for _ in range(QUIET_ZONE)] + rows + [list(blank) for _ in range(QUIET_ZONE)]


def dark_runs(row: Sequence[bool]) -> list[tuple[int, int]]:
    """(start, length) of each stretch of dark modules in a row."""
    runs, start = [], None
    for i, dark in enumerate([*row, False]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


def draw_qr(canvas: Any, text: str, x: float, y: float, size: float, *,
            error_correction: str = ERROR_CORRECTION) -> float:
    """Draw the code for `text` as a `size` square (quiet zone included) with its lower-left corner at x, y.

    Returns the side of the printed symbol without its quiet zone, so callers can check it is big enough.
    """
    return draw_matrix(canvas, qr_matrix(text, error_correction), x, y, size)


def draw_matrix(canvas: Any, matrix: Sequence[Sequence[bool]], x: float, y: float, size: float) -> float:
    """Draw an encoded code (see `draw_qr`); returns the side of the symbol without its quiet zone."""
    module = size / len(matrix)
    # One filled path of one rectangle per run of dark modules: a few hundred bytes, and, being a single
    # fill, no anti-aliased seams between neighbouring modules in a viewer or printer driver. The runs are
    # written in whole modules from the code's top-left corner, under one scaling `cm` (short integers, not a
    # certificate's 2,000 sets of four coordinates in points, which took twice as long to format and made the
    # page a third larger to compress), and the operators are written directly: through ReportLab's path
    # object a certificate's runs took 8 ms more.
    ops = [f"{start} {-1 - r} {length} 1 re"  # not user text: PDF path operators
           for r, row in enumerate(matrix) for start, length in dark_runs(row)]
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.addLiteral("\n".join([f"{module:.6f} 0 0 {module:.6f} {x:.3f} {y + size:.3f} cm", *ops, "f*"]))
    canvas.restoreState()
    return module * (len(matrix) - 2 * QUIET_ZONE)


def read_qr_codes(gray: np.ndarray) -> list[str]:
    """The text of every QR code in a grayscale frame (height x width, uint8), each once, in reading order."""
    import numpy as np  # only the camera needs it: not loaded at start-up

    frame = np.ascontiguousarray(gray, dtype=np.uint8)
    if frame.ndim != 2:
        raise ValueError(f"expected a grayscale frame (height x width), got shape {frame.shape}")  # not user text
    # QR only: looking for every other format costs time per frame and invites false reads. Rotated and
    # downscaled searches stay on (a badge is held at any angle, close to the lens); inverted codes are
    # never printed by us, so that pass is skipped.
    found = zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=True,
                                   try_downscale=True, try_invert=False)
    return list(dict.fromkeys(code.text for code in found if code.valid))
