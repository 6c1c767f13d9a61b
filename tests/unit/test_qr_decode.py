"""The QR encoder's matrix, its vector drawing, and the camera decoder on frames like a laptop webcam's:
a badge held at an angle, out of focus, in a noisy or dim picture."""

from __future__ import annotations

import io
import re
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from reportlab.pdfgen.canvas import Canvas

from facilitator.documents.qr import QUIET_ZONE, dark_runs, draw_qr, qr_matrix, read_qr_codes
from facilitator.domain.ids import badge_payload, read_code

PAYLOAD = badge_payload("7K3M9QXA", "ABCDE0FGHJ1KMNPQ2RST")
WIDTH, HEIGHT = 1280, 720


def badge_frame(payload: str = PAYLOAD, *, module: int = 5, angle: float = 0, blur: float = 0.8,
                noise: float = 3, dark: int = 25, light: int = 230, seed: int = 0,
                at: tuple[int, int] = (430, 170)) -> np.ndarray:
    """A 1280x720 grey frame with a printed badge in it, `module` pixels to a QR module (5 is a badge held
    a forearm's length from a 720p webcam). Blur 0.8 stands for any webcam's softness, noise for its grain."""
    rng = np.random.default_rng(seed)
    card = Image.new("L", (60 * module, 48 * module), light)  # the badge: white card, a name, the code
    ImageDraw.Draw(card).rectangle((2 * module, 4 * module, 18 * module, 9 * module), fill=dark)
    code = np.kron(np.array(qr_matrix(payload)), np.ones((module, module), dtype=bool))
    card.paste(Image.fromarray(np.where(code, dark, light).astype(np.uint8)), (22 * module, 8 * module))
    card = card.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(dark + light) // 3)
    frame = Image.fromarray(_room(rng, dark, light))
    frame.paste(card, at)
    if blur:
        frame = frame.filter(ImageFilter.GaussianBlur(blur))
    pixels = np.asarray(frame, dtype=np.float32) + rng.normal(0, noise, (HEIGHT, WIDTH))
    return np.clip(pixels, 0, 255).astype(np.uint8)


def _room(rng: np.random.Generator, dark: int, light: int) -> np.ndarray:
    """A background with light falling off across it and a few shapes, rather than a flat grey."""
    gradient = np.linspace(0.55, 0.8, WIDTH, dtype=np.float32)[None, :] * np.ones((HEIGHT, 1), np.float32)
    room = dark + (light - dark) * gradient
    for _ in range(12):
        y, x = rng.integers(0, HEIGHT - 80), rng.integers(0, WIDTH - 120)
        room[y:y + rng.integers(20, 80), x:x + rng.integers(20, 120)] = rng.integers(dark, light)
    return room.astype(np.uint8)


# --- the encoder ---------------------------------------------------------------------------------------

def test_the_matrix_is_square_with_its_quiet_zone() -> None:
    matrix = qr_matrix(PAYLOAD)
    assert len(matrix) == 29 + 2 * QUIET_ZONE, "version 3 at level Q: 31 alphanumeric characters"
    assert all(len(row) == len(matrix) for row in matrix)
    border = matrix[:QUIET_ZONE] + matrix[-QUIET_ZONE:] + [row[:QUIET_ZONE] + row[-QUIET_ZONE:] for row in matrix]
    assert not any(any(row) for row in border)
    assert matrix[QUIET_ZONE][QUIET_ZONE:QUIET_ZONE + 7] == [True] * 7, "a finder pattern's top edge"


def test_dark_runs() -> None:
    assert dark_runs([False, True, True, False, True]) == [(1, 2), (4, 1)]
    assert dark_runs([False, False]) == [] and dark_runs([True] * 3) == [(0, 3)]


def test_the_drawn_code_is_one_small_path_of_merged_runs() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(100, 100), pageCompression=0)
    symbol = draw_qr(canvas, PAYLOAD, 10, 10, 74)
    canvas.save()
    assert symbol == pytest.approx(74 * 29 / 37)
    content = buffer.getvalue()
    runs = sum(len(dark_runs(row)) for row in qr_matrix(PAYLOAD))
    assert len(re.findall(rb" re\b", content)) == runs, "one rectangle per run, not per module"
    assert re.findall(rb"\n(f\*?|[Bb]\*?|S)\n", content) == [b"f*"], "filled once, as one path: no seams"
    assert len(zlib.compress(content)) < 4000


# --- the decoder ---------------------------------------------------------------------------------------

def test_a_clean_frame_reads_and_the_payload_means_the_badge() -> None:
    assert read_qr_codes(badge_frame()) == [PAYLOAD]
    scanned = read_code(PAYLOAD)
    assert scanned is not None and scanned.session_id == "7K3M9QXA" and scanned.token == "ABCDE0FGHJ1KMNPQ2RST"


@pytest.mark.parametrize("angle", [15, 45, 90, 180, 300])
def test_a_badge_held_at_an_angle(angle: float) -> None:
    assert read_qr_codes(badge_frame(angle=angle, at=(350, 60))) == [PAYLOAD]


@pytest.mark.parametrize("blur", [1.5, 2.0])
def test_an_out_of_focus_badge(blur: float) -> None:
    # Held closer, as people do when the preview shows a blur: 6 pixels to a module.
    assert read_qr_codes(badge_frame(module=6, angle=7, blur=blur, at=(400, 60))) == [PAYLOAD]


@pytest.mark.parametrize("seed", range(3))
def test_a_grainy_frame(seed: int) -> None:
    assert read_qr_codes(badge_frame(angle=5, noise=25, seed=seed)) == [PAYLOAD]


@pytest.mark.parametrize(("dark", "light"), [(40, 95), (20, 60), (150, 200)])
def test_poor_or_harsh_light(dark: int, light: int) -> None:
    """A dim room (little contrast, dark), and a washed-out one (little contrast, bright)."""
    assert read_qr_codes(badge_frame(angle=5, dark=dark, light=light, noise=4)) == [PAYLOAD]


def test_a_frame_without_a_code_reads_nothing() -> None:
    empty = _room(np.random.default_rng(1), 25, 230)
    assert read_qr_codes(empty) == []
    assert read_qr_codes(np.zeros((HEIGHT, WIDTH), np.uint8)) == []


def test_two_badges_in_one_frame_are_both_read_once() -> None:
    other = badge_payload("7K3M9QXA", "ZZZZZ0FGHJ1KMNPQ2RST")
    frame = badge_frame(at=(40, 170))
    frame[:, 640:] = badge_frame(other, at=(700, 170))[:, 640:]
    assert sorted(read_qr_codes(frame)) == sorted([PAYLOAD, other])


def test_a_colour_frame_is_refused_rather_than_misread() -> None:
    with pytest.raises(ValueError, match="grayscale"):
        read_qr_codes(np.zeros((HEIGHT, WIDTH, 3), np.uint8))
