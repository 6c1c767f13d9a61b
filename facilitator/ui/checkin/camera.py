"""The laptop camera as a badge reader: pictures in, badge codes out, each badge once while it is held up.

`FrameSource` is the small interface the desk needs from a camera, so tests (and machines without one) can
hand it prepared pictures; `CameraSource` is the real camera through QtMultimedia. `CameraDecoder` reads QR
codes off the GUI thread, always from the newest picture, and says each code once, not thirty times a second.
`CameraPanel` shows what the camera sees, or says plainly that there is no camera.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from facilitator.i18n import N_, _
from facilitator.services.scanning import read_badge_codes
from facilitator.ui.multimedia import (
    QCamera,
    QCameraDevice,
    QMediaCaptureSession,
    QMediaDevices,
    QVideoFrame,
    QVideoSink,
)
from facilitator.ui.widgets import plain_label

if TYPE_CHECKING:  # loaded when a camera frame first arrives, not at start-up
    import numpy as np

log = logging.getLogger(__name__)
Clock = Callable[[], float]
Reader = Callable[["np.ndarray"], list[str]]

REPEAT_AFTER_S = 3.0  # a badge held up longer than this, or shown again after, counts as a new scan
CAMERA_FPS = 12  # enough to read a badge and show a smooth preview, without converting every camera frame


class FrameSource(QObject):
    """Anything that hands out pictures to look for badges in."""

    frame = Signal(QImage)
    failed = Signal(str)  # a sentence for the trainer

    def start(self) -> None:
        """Begin sending pictures."""

    def stop(self) -> None:
        """Stop sending pictures."""


class CameraSource(FrameSource):
    """The laptop camera (QCamera into a QVideoSink), as pictures at up to `fps` a second."""

    def __init__(self, device: QCameraDevice, parent: QObject | None = None, fps: int = CAMERA_FPS) -> None:
        super().__init__(parent)
        self.name = device.description()
        self._every = 1 / fps
        self._last = 0.0
        self._camera = QCamera(device, self)
        self._sink = QVideoSink(self)
        self._capture = QMediaCaptureSession(self)
        self._capture.setCamera(self._camera)
        self._capture.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._on_video_frame)
        self._camera.errorOccurred.connect(lambda _error, text: self.failed.emit(
            _("The camera stopped: {reason}").format(reason=text)))

    def start(self) -> None:
        self._camera.start()

    def stop(self) -> None:
        self._camera.stop()

    def _on_video_frame(self, video_frame: QVideoFrame) -> None:
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            image = frame_image(video_frame)
            if not image.isNull():
                self.frame.emit(image)


def find_camera(parent: QObject | None = None) -> CameraSource | None:
    """The laptop's default camera, or None if it has none."""
    if not QMediaDevices.videoInputs():
        return None
    return CameraSource(QMediaDevices.defaultVideoInput(), parent)


def frame_image(video_frame: QVideoFrame) -> QImage:
    """A camera frame as a picture (Qt converts from the camera's own pixel format)."""
    return video_frame.toImage()


def grey_array(image: QImage) -> np.ndarray:
    """The picture as a height x width array of 8-bit grey levels, as the QR reader wants it.

    Each row of a QImage is padded to a multiple of 4 bytes, so rows are cut back to the picture's width."""
    import numpy as np

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = grey.width(), grey.height(), grey.bytesPerLine()
    rows = np.frombuffer(grey.constBits(), dtype=np.uint8, count=stride * height).reshape(height, stride)
    return rows[:, :width].copy()


class CameraDecoder(QObject):
    """Reads badge codes from pictures on a worker thread and emits each code once while it stays in view.

    Only one picture is decoded at a time; pictures that arrive meanwhile replace each other, so the reader
    always works on the newest one and never falls behind the camera."""

    code_read = Signal(str)
    _decoded = Signal(list)  # emitted on the worker thread, delivered on the GUI thread

    def __init__(self, parent: QObject | None = None, *, repeat_after: float = REPEAT_AFTER_S,
                 clock: Clock = time.monotonic, read: Reader = read_badge_codes) -> None:
        super().__init__(parent)
        self.repeat_after = repeat_after
        self._clock = clock
        self._read = read
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._busy = False
        self._next: QImage | None = None
        self._seen: dict[str, float] = {}
        self._decoded.connect(self._on_decoded)

    def offer(self, image: QImage) -> None:
        """Look for badges in `image` as soon as the reader is free."""
        if self._busy:
            self._next = image
        else:
            self._start(image)

    @property
    def busy(self) -> bool:
        """Whether a picture is being read right now."""
        return self._busy

    def wait(self) -> None:
        """Let the picture being read finish (before the decoder goes away)."""
        self._next = None
        self._pool.waitForDone()

    def _start(self, image: QImage) -> None:
        self._busy = True
        self._pool.start(lambda: self._decoded.emit(self._codes_in(image)))

    def _codes_in(self, image: QImage) -> list[str]:
        try:
            return self._read(grey_array(image))
        except Exception:  # a bad frame must not stop the camera; the next one will do
            log.exception("could not read a camera frame")
            return []

    def _on_decoded(self, codes: list[str]) -> None:
        self._busy = False
        now = self._clock()
        for code in codes:
            if self._is_new(code, now):
                self.code_read.emit(code)
        if self._next is not None:
            image, self._next = self._next, None
            self._start(image)

    def _is_new(self, code: str, now: float) -> bool:
        """Whether `code` has been out of view long enough to count again; seeing it restarts its wait."""
        self._seen = {c: t for c, t in self._seen.items() if now - t <= self.repeat_after}
        new = code not in self._seen
        self._seen[code] = now
        return new


NO_CAMERA = N_("No camera found on this laptop. Scan badges with a USB scanner, or type a name or badge code "
               "in the box above.")


class CameraPanel(QWidget):
    """What the camera sees, with a line saying what it is doing; reads badges through a `CameraDecoder`."""

    code_read = Signal(str)

    def __init__(self, parent: QWidget | None = None, decoder: CameraDecoder | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Camera"))
        self.decoder = decoder or CameraDecoder(self)
        self.decoder.code_read.connect(self.code_read)
        self.source: FrameSource | None = None
        self.preview = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, accessibleName=_("Camera picture"))
        self.preview.setMinimumSize(240, 135)
        # The picture follows the panel's size, never the other way round.
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.preview.setStyleSheet("background: #202020; color: #ffffff")
        self.status = plain_label(wordWrap=True, accessibleName=_("Camera status"))  # says what the camera said
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        layout.addStretch(0)

    def start(self, source: FrameSource | None) -> None:
        """Show and read pictures from `source`; None means this laptop has no camera."""
        self.stop()
        self.preview.setVisible(source is not None)  # no black box where there is nothing to show
        if source is None:
            self.status.setText(_(NO_CAMERA))
            return
        self.source = source
        source.frame.connect(self._on_frame)
        source.failed.connect(self.status.setText)
        self.status.setText(_("Hold the badge's QR code up to the camera."))
        source.start()

    def stop(self) -> None:
        if self.source is not None:
            self.source.stop()
            self.source.frame.disconnect(self._on_frame)
            self.source.failed.disconnect(self.status.setText)
            self.source = None
        self.decoder.wait()
        self.preview.clear()

    def _on_frame(self, image: QImage) -> None:
        self.decoder.offer(image)
        if self.preview.isVisible():
            size = self.preview.size()
            self.preview.setPixmap(QPixmap.fromImage(image).scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                                                   Qt.TransformationMode.FastTransformation))
