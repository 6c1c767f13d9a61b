"""The camera path: pictures of a badge, however they arrive, give its code once; blank pictures give nothing."""

from __future__ import annotations

import numpy as np
import pytest
import qrcode
from PIL import Image, ImageFilter
from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QImage, QPainter

from facilitator.domain.ids import badge_payload
from facilitator.ui.checkin.camera import NO_CAMERA, CameraDecoder, CameraPanel, FrameSource, frame_image, grey_array
from facilitator.ui.multimedia import QVideoFrame
from tests.gui.waiting import WAIT_MS

PAYLOAD = badge_payload("7K3M9QXD", "ABCDEFGHJKMNPQRSTVWX")


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


class PictureSource(FrameSource):
    """A camera that shows whatever picture a test holds up."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running = False

    def start(self) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False

    def show(self, image: QImage) -> None:
        self.frame.emit(image)


def badge_photo(payload: str = PAYLOAD, angle: float = 0, blur: float = 0, size=(1280, 720)) -> QImage:
    """A camera-sized picture of a badge's QR code held up at `angle` degrees, optionally out of focus."""
    code = qrcode.make(payload, box_size=7, border=4).get_image().convert("L")
    if angle:
        code = code.rotate(angle, expand=True, fillcolor=255)
    photo = Image.new("L", size, 170)  # a grey wall behind the badge
    photo.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    if blur:
        photo = photo.filter(ImageFilter.GaussianBlur(blur))
    rgb = photo.convert("RGB")
    image = QImage(rgb.tobytes(), rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888)
    return image.convertToFormat(QImage.Format.Format_RGB32)  # copies the pixels out of Pillow's buffer


def blank_photo() -> QImage:
    image = QImage(1280, 720, QImage.Format.Format_RGB32)
    image.fill(QColor("#a0a0a0"))
    return image


@pytest.fixture
def decoder(qtbot):
    clock = FakeClock()
    reader = CameraDecoder(repeat_after=3.0, clock=clock)
    reader.clock = clock
    yield reader
    reader.wait()


def test_grey_array_cuts_the_row_padding(qtbot) -> None:
    image = QImage(1281, 3, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    with QPainter(image) as painter:
        painter.fillRect(1280, 0, 1, 3, QColor("black"))
    grey = grey_array(image)
    assert grey.shape == (3, 1281) and grey.dtype == np.uint8
    assert image.convertToFormat(QImage.Format.Format_Grayscale8).bytesPerLine() == 1284
    assert (grey[:, :1280] == 255).all() and (grey[:, 1280] == 0).all()


@pytest.mark.parametrize(("angle", "blur"), [(0, 0), (17, 0), (-35, 1.2)])
def test_a_badge_held_up_to_the_camera_is_read(qtbot, decoder, angle, blur) -> None:
    source = PictureSource()
    source.frame.connect(decoder.offer)
    with qtbot.waitSignal(decoder.code_read, timeout=WAIT_MS) as blocker:
        source.show(badge_photo(angle=angle, blur=blur))
    assert blocker.args == [PAYLOAD]


# Qt converts video frames on the GPU when it has one; the offscreen test machine has none and says so once.
@pytest.mark.qt_log_ignore("No RHI backend")
def test_a_video_frame_from_the_camera_path_is_read(qtbot, decoder) -> None:
    video_frame = QVideoFrame(badge_photo(angle=8))
    assert video_frame.isValid() and video_frame.width() == 1280
    with qtbot.waitSignal(decoder.code_read, timeout=WAIT_MS) as blocker:
        decoder.offer(frame_image(video_frame))
    assert blocker.args == [PAYLOAD]


def test_the_same_badge_held_up_gives_one_code_until_it_is_gone_a_while(qtbot, decoder) -> None:
    read: list[str] = []
    decoder.code_read.connect(read.append)
    photo = badge_photo()
    for _ in range(30):
        decoder.offer(photo)
        qtbot.wait(2)
    decoder.wait()
    qtbot.waitUntil(lambda: read == [PAYLOAD], timeout=WAIT_MS)
    decoder.clock.now += 2.0  # still in view two seconds later: nothing new
    with qtbot.assertNotEmitted(decoder.code_read, wait=200):
        decoder.offer(photo)
    decoder.clock.now += 3.5  # taken away, then shown again: a new scan (the desk says "already checked in")
    with qtbot.waitSignal(decoder.code_read, timeout=WAIT_MS):
        decoder.offer(photo)
    assert read == [PAYLOAD, PAYLOAD]


def test_a_blank_picture_gives_nothing(qtbot, decoder) -> None:
    with qtbot.assertNotEmitted(decoder.code_read, wait=300):
        decoder.offer(blank_photo())
        decoder.wait()


def test_the_newest_picture_wins_and_no_backlog_builds_up(qtbot) -> None:
    seen: list[int] = []

    def slow_read(grey: np.ndarray) -> list[str]:
        seen.append(int(grey[0, 0]))
        return []

    reader = CameraDecoder(read=slow_read)
    for level in range(0, 250, 10):  # 25 pictures arrive while the first is still being read
        image = QImage(64, 48, QImage.Format.Format_Grayscale8)
        image.fill(QColor(level, level, level))
        reader.offer(image)
    qtbot.waitUntil(lambda: len(seen) >= 2 and not reader.busy, timeout=WAIT_MS)
    reader.wait()
    assert seen[0] == 0 and seen[-1] == 240 and len(seen) <= 3


def test_the_panel_reads_badges_from_its_source_and_stops_it(qtbot) -> None:
    panel = CameraPanel()
    qtbot.addWidget(panel)
    panel.show()
    source = PictureSource()
    panel.start(source)
    assert source.running
    with qtbot.waitSignal(panel.code_read, timeout=WAIT_MS) as blocker:
        source.show(badge_photo(angle=5))
    assert blocker.args == [PAYLOAD]
    assert panel.preview.pixmap() is not None and not panel.preview.pixmap().isNull()
    panel.stop()
    assert not source.running


def test_with_no_camera_the_panel_says_so(qtbot) -> None:
    panel = CameraPanel()
    qtbot.addWidget(panel)
    panel.start(None)
    assert panel.status.text() == NO_CAMERA
