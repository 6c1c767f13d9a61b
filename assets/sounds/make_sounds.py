"""Write the check-in desk's three short sounds as WAV files beside this script.

Run it again after changing a tone: `python assets/sounds/make_sounds.py`. The tones are generated rather than
recorded so that anyone can see what they are and change them, and so the repository carries no audio whose
licence needs tracking. 44.1 kHz, 16-bit, mono: a format every sound card plays without conversion.

- accepted.wav: two quick rising notes, "ding-ding", for someone checked in or out.
- notice.wav: one soft middle note, for "already checked in", where nothing went wrong but nothing changed.
- rejected.wav: two low buzzes, for a badge that is unknown, from another session or not a badge at all.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 44_100
FADE = 0.008  # seconds of fade in and out, so a note starts and ends without a click

# Each sound is a list of (frequency in Hz or 0 for silence, seconds, harmonics as (multiple, strength)).
Note = tuple[float, float, tuple[tuple[int, float], ...]]
PURE: tuple[tuple[int, float], ...] = ((1, 1.0),)
BUZZ: tuple[tuple[int, float], ...] = ((1, 1.0), (3, 0.45), (5, 0.25), (7, 0.12))  # square-ish, heard in a noisy hall

SOUNDS: dict[str, list[Note]] = {
    "accepted": [(988.0, 0.09, PURE), (0, 0.02, PURE), (1319.0, 0.14, PURE)],
    "notice": [(784.0, 0.20, PURE)],
    "rejected": [(196.0, 0.16, BUZZ), (0, 0.06, PURE), (196.0, 0.22, BUZZ)],
}


def note_samples(frequency: float, seconds: float, harmonics: tuple[tuple[int, float], ...]) -> list[float]:
    count = int(RATE * seconds)
    if frequency == 0:
        return [0.0] * count
    total = sum(strength for _, strength in harmonics)
    fade = int(RATE * FADE)
    samples = []
    for i in range(count):
        t = i / RATE
        value = sum(s * math.sin(2 * math.pi * frequency * m * t) for m, s in harmonics) / total
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        samples.append(value * envelope)
    return samples


def write_wav(path: Path, notes: list[Note], volume: float = 0.6) -> None:
    samples = [s for note in notes for s in note_samples(*note)]
    frames = b"".join(struct.pack("<h", round(32767 * volume * s)) for s in samples)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


def main() -> None:
    here = Path(__file__).resolve().parent
    for name, notes in SOUNDS.items():
        write_wav(here / f"{name}.wav", notes)
        print(f"wrote {here / name}.wav")


if __name__ == "__main__":
    main()
