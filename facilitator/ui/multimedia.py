"""The one place the UI imports QtMultimedia (camera and sounds), after quietening its start-up chatter.

When QtMultimedia first loads its backend it looks for optional libraries (PipeWire, VA-API hardware video
decoding) and logs a warning under `qt.multimedia.symbolsresolver` for each one missing. Most laptops lack
some of them and nothing is wrong: the camera and sounds work without. Those lines would only alarm a trainer
reading the terminal, and they fail our tests, which treat any Qt warning as a bug. So that one category is
turned off, before anything can load the backend; real trouble still reaches the desk through
`QCamera.errorOccurred` and `QSoundEffect.status`, which it shows or falls back from.
"""

from __future__ import annotations

from PySide6.QtCore import QLoggingCategory

QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver.warning=false")

from PySide6.QtMultimedia import (  # noqa: E402 - the filter must be in place first
    QCamera,
    QCameraDevice,
    QMediaCaptureSession,
    QMediaDevices,
    QSoundEffect,
    QVideoFrame,
    QVideoSink,
)

__all__ = ["QCamera", "QCameraDevice", "QMediaCaptureSession", "QMediaDevices", "QSoundEffect",
           "QVideoFrame", "QVideoSink"]
