"""The check-in desk: scanner bursts, typed codes and name searches check people in through the service, the
banner and the lists follow what the log says, and slips can be undone with a reason."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QTableView

from facilitator.domain.attendance import Direction, Outcome, Source
from facilitator.domain.ids import badge_payload
from facilitator.domain.roster import Person
from facilitator.services import attendance as attendance_service
from facilitator.services.errors import UserError
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.ui.checkin.banner import ResultBanner, Sounds, Tone, Verdict
from facilitator.ui.checkin.camera import NO_CAMERA, FrameSource
from facilitator.ui.checkin.desk import CheckinView
from facilitator.ui.checkin.scanner import ScanCatcher
from facilitator.ui.dialogs.checkin import UndoDialog, WalkInDialog
from facilitator.ui.main_window import CHECKIN_TAB, LIBRARY_TAB, SESSIONS_TAB
from tests.gui.waiting import WAIT_MS

from .test_camera import badge_photo
from .test_scanner import FakeClock, type_keys

PEOPLE = [Person("Zoë", "O'Neil", employee_id="E-100", department="Warehouse"),
          Person("Mei", "Chen", employee_id="E-200", department="Pharmacy", email="mei.chen@example.com"),
          Person("Luis", "Hernández", employee_id="E-300", department="Nursing")]


class HeardSounds(Sounds):
    """Speakers that write down what they were asked to play."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.heard: list[Tone] = []

    def play(self, tone: Tone) -> None:
        self.heard.append(tone)


class PictureSource(FrameSource):
    def show(self, image: QImage) -> None:
        self.frame.emit(image)


def new_session(workspace, location: str = "Depot 4, break room", start: str = "23:59",
                on: date | None = None) -> str:
    """A session with three people on the roster; today at 23:59 by default, so no one is late whenever tests
    run."""
    session = create_session(workspace, workshop_id="allyship", on=on or date.today(), start=start,
                             location=location, trainer="Ana Ruiz", jurisdictions=["none"])
    add_people(workspace, session.id, PEOPLE)
    return session.id


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def desk(qtbot, workspace, clock) -> CheckinView:
    session_id = new_session(workspace)
    camera = PictureSource()
    view = CheckinView(workspace, session_id, sounds=HeardSounds(), catcher=ScanCatcher(clock=clock),
                       camera_factory=lambda: camera)
    view.test_camera = camera
    qtbot.addWidget(view)
    view.resize(1280, 640)
    view.show()
    qtbot.waitActive(view)
    yield view
    view.hide()


def person(view: CheckinView, first_name: str):
    return next(p for p in view.session.roster if p.first_name == first_name)


def payload(view: CheckinView, first_name: str) -> str:
    return badge_payload(view.session_id, person(view, first_name).badge_code)


def scanner(qtbot, view: CheckinView, clock: FakeClock, code: str, widget=None) -> None:
    """A USB scanner typing `code` into whatever has focus: 6 ms a key, then Enter."""
    type_keys(qtbot, widget or QApplication.focusWidget(), clock, code, gap_ms=6)


def test_a_scanner_burst_checks_someone_in_and_the_banner_says_welcome(qtbot, desk, clock) -> None:
    with qtbot.waitSignal(desk.scan_recorded, timeout=WAIT_MS) as blocker:
        scanner(qtbot, desk, clock, payload(desk, "Zoë"), desk.field)
    result = blocker.args[0]
    assert result.outcome is Outcome.CHECKED_IN and result.person.full_name == "Zoë O'Neil"
    assert desk.banner.tone is Tone.ACCEPTED and desk.banner.headline.text() == "✓ Welcome, Zoë O'Neil"
    assert "Warehouse" in desk.banner.detail.text()
    assert desk.field.text() == ""  # the burst never reached the box
    assert desk.count.text() == "1 of 3 in the room"
    assert [r.person.full_name for r in desk.in_room.rows()] == ["Zoë O'Neil"]
    assert desk.recent.row(0).source == Source.SCANNER and desk.sounds.heard == [Tone.ACCEPTED]


def test_the_banner_turns_green_only_after_the_service_has_recorded_the_scan(qtbot, desk, clock,
                                                                           monkeypatch) -> None:
    real_scan = attendance_service.scan
    during: list[Tone] = []

    def recording_scan(*args, **kwargs):
        during.append(desk.banner.tone)
        result = real_scan(*args, **kwargs)
        during.append(desk.banner.tone)
        return result

    monkeypatch.setattr(attendance_service, "scan", recording_scan)
    scanner(qtbot, desk, clock, payload(desk, "Mei"), desk.field)
    assert during == [Tone.READY, Tone.READY] and desk.banner.tone is Tone.ACCEPTED
    report = attendance_service.attendance_report(desk._ws, desk.session_id)
    assert [r.person.first_name for r in report.rows if r.is_in] == ["Mei"]


def test_a_scan_is_caught_whatever_has_focus_and_typing_there_is_left_alone(qtbot, desk, clock) -> None:
    desk.recent_table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is desk.recent_table)
    scanner(qtbot, desk, clock, payload(desk, "Luis"))
    assert desk.count.text() == "1 of 3 in the room" and desk.field.text() == ""


def test_a_second_scan_of_the_same_badge_says_already_checked_in(qtbot, desk, clock) -> None:
    code = payload(desk, "Zoë")
    scanner(qtbot, desk, clock, code, desk.field)
    first = desk.recent.row(0).at
    clock.advance(500)
    scanner(qtbot, desk, clock, code, desk.field)
    assert desk.banner.tone is Tone.NOTICE
    assert desk.banner.headline.text() == f"! Zoë O'Neil is already checked in (since {first:%H:%M})"
    assert desk.count.text() == "1 of 3 in the room" and desk.sounds.heard == [Tone.ACCEPTED, Tone.NOTICE]
    assert desk.recent.data(desk.recent.index(0, 3)) == f"already checked in at {first:%H:%M}"  # local, not UTC


@pytest.mark.parametrize(("code", "words"), [
    ("FAC{session}ZZZZZZZZZZZZZZZZZZZZ", "Unknown code"),
    ("FACAAAAAAAA{token}", "belongs to another session"),
    ("HTTPS://EXAMPLE.COM/TICKET", "Not a Facilitator badge"),
])
def test_codes_that_are_nobody_here_turn_the_banner_red(qtbot, desk, clock, code, words) -> None:
    code = code.format(session=desk.session_id, token=person(desk, "Mei").badge_code)
    scanner(qtbot, desk, clock, code, desk.field)
    assert desk.banner.tone is Tone.REJECTED and words in desk.banner.headline.text()
    assert desk.banner.headline.text().startswith("✗ ")
    assert desk.count.text() == "0 of 3 in the room" and desk.sounds.heard == [Tone.REJECTED]
    assert desk.recent.row(0).kind == "rejected"  # kept as evidence


def test_someone_arriving_after_the_grace_period_is_welcomed_as_late(qtbot, workspace, clock) -> None:
    began = datetime.now().astimezone() - timedelta(minutes=30)  # yesterday's date just after midnight
    session_id = new_session(workspace, start=f"{began:%H:%M}", on=began.date())
    view = CheckinView(workspace, session_id, sounds=HeardSounds(), catcher=ScanCatcher(clock=clock))
    qtbot.addWidget(view)
    view.show()
    view.check_in_person(person(view, "Mei"))
    assert view.banner.tone is Tone.ACCEPTED
    assert view.banner.headline.text() == "✓ Welcome, Mei Chen (arrived late)"
    assert "1 late" in view.tally.text() and view.in_room.data(view.in_room.index(0, 3)) == "late"
    view.hide()


def test_a_badge_code_typed_by_hand_checks_in_too(qtbot, desk) -> None:
    qtbot.keyClicks(desk.field, person(desk, "Mei").badge_code.lower())
    qtbot.waitUntil(lambda: len(desk.field.text()) == 20, timeout=WAIT_MS)  # the last key is held a moment
    qtbot.keyClick(desk.field, Qt.Key.Key_Return)
    assert desk.banner.headline.text() == "✓ Welcome, Mei Chen" and desk.field.text() == ""
    assert desk.recent.row(0).source == Source.TYPED


def test_searching_a_name_then_enter_checks_that_person_in(qtbot, desk) -> None:
    desk.field.setText("zoe")
    qtbot.keyClick(desk.field, Qt.Key.Key_Return)
    assert desk.stack.currentIndex() == 1
    assert [p.full_name for p in desk.matches.rows()] == ["Zoë O'Neil"]
    assert QApplication.focusWidget() is desk.matches_table
    qtbot.keyClick(desk.matches_table, Qt.Key.Key_Return)
    assert desk.banner.headline.text() == "✓ Welcome, Zoë O'Neil"
    assert desk.stack.currentIndex() == 0 and desk.field.text() == "" and desk.field.hasFocus()


def test_double_clicking_a_person_found_checks_them_in(qtbot, desk) -> None:
    desk.search("E-300")
    rect = desk.matches_table.visualRect(desk.matches.index(0, 0))
    qtbot.mouseClick(desk.matches_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(desk.matches_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert desk.banner.headline.text() == "✓ Welcome, Luis Hernández"


def test_a_search_with_no_match_says_so_and_escape_goes_back(qtbot, desk) -> None:
    desk.field.setText("Nobody Here")
    desk.submit()
    assert desk.matches.rowCount() == 0 and "No one on the roster matches" in desk.matches_title.text()
    assert desk.banner.tone is Tone.READY
    qtbot.keyClick(desk.field, Qt.Key.Key_Escape)
    assert desk.stack.currentIndex() == 0 and desk.field.text() == ""


def test_leaving_mode_checks_people_out(qtbot, desk, clock) -> None:
    code = payload(desk, "Mei")
    scanner(qtbot, desk, clock, code, desk.field)
    qtbot.keyClick(desk.field, Qt.Key.Key_F6)
    assert desk.direction is Direction.OUT and desk.leaving.isChecked()
    assert desk.banner.tone is Tone.READY and desk.banner.headline.text().startswith("Leaving")  # at once
    clock.advance(1000)
    scanner(qtbot, desk, clock, code, desk.field)
    assert desk.banner.headline.text() == "✓ Goodbye, Mei Chen: checked out"
    assert desk.count.text() == "0 of 3 in the room" and "1 left" in desk.tally.text()
    assert desk.not_here.row(2).person.full_name == "Mei Chen"  # those who left come after those not yet here
    assert desk.not_here.data(desk.not_here.index(2, 2)).startswith("left ")
    qtbot.keyClick(desk.field, Qt.Key.Key_F5)
    assert desk.direction is Direction.IN and desk.arriving.isChecked()


def test_undo_asks_for_a_reason_and_the_log_keeps_both(qtbot, desk, clock) -> None:
    scanner(qtbot, desk, clock, payload(desk, "Zoë"), desk.field)
    assert desk.undo_button.isEnabled() is False
    desk.recent_table.selectRow(0)
    assert desk.undo_button.isEnabled()
    dialog = desk.undo_selected()
    assert isinstance(dialog, UndoDialog) and not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.reason, "Scanned the wrong badge")
    dialog.ok.click()
    assert desk.count.text() == "0 of 3 in the room"
    assert desk.recent.row(0).kind == "void" and "Scanned the wrong badge" in desk.recent.row(0).detail
    assert desk.recent.row(0).source == Source.DESK
    assert "(undone)" in desk.recent.data(desk.recent.index(1, 1))
    desk.recent_table.selectRow(1)
    assert not desk.undo_button.isEnabled()  # already undone
    assert desk.banner.headline.text() == "↶ Undone"


def test_cancelling_an_undo_changes_nothing(qtbot, desk, clock) -> None:
    scanner(qtbot, desk, clock, payload(desk, "Zoë"), desk.field)
    desk.recent_table.selectRow(0)
    desk.undo_selected().reject()
    assert desk.count.text() == "1 of 3 in the room" and desk.recent.rowCount() == 1


def test_a_walk_in_is_added_and_checked_in(qtbot, desk) -> None:
    desk.field.setText("Priya")
    dialog = desk.add_walk_in()
    assert isinstance(dialog, WalkInDialog) and dialog.first.text() == "Priya"
    qtbot.keyClicks(dialog.last, "Raman")
    qtbot.keyClicks(dialog.department, "Pharmacy")
    dialog.accept()
    assert not dialog.isVisible()
    assert desk.banner.headline.text() == "✓ Welcome, Priya Raman"
    assert desk.count.text() == "1 of 4 in the room" and "1 walk-in" in desk.tally.text()
    walk_in = desk.in_room.row(0)
    assert walk_in.person.walk_in and "walk-in" in desk.in_room.data(desk.in_room.index(0, 3))
    # The log: the walk-in added by the trainer at the desk, then their check-in.
    assert [(e.kind, e.source) for e in reversed(desk.recent.rows())] == [("walk-in", Source.DESK),
                                                                         ("check-in", Source.DESK)]


def test_a_walk_in_without_a_last_name_is_refused_and_kept(qtbot, desk) -> None:
    dialog = desk.add_walk_in()
    qtbot.keyClicks(dialog.first, "Priya")
    dialog.accept()
    assert dialog.isVisible() and "first and last name" in dialog.error.text()
    assert len(get_session(desk._ws, desk.session_id).roster) == 3
    dialog.reject()


def test_a_service_refusal_shows_in_red(qtbot, desk, clock, monkeypatch) -> None:
    def sealed(*_args, **_kwargs):
        raise UserError(f"session {desk.session_id} is sealed; it accepts no more check-ins")

    monkeypatch.setattr(attendance_service, "scan", sealed)
    scanner(qtbot, desk, clock, payload(desk, "Zoë"), desk.field)
    assert desk.banner.tone is Tone.REJECTED
    assert desk.banner.headline.text() == f"✗ Session {desk.session_id} is sealed; it accepts no more check-ins"


def test_a_scan_that_could_not_be_saved_never_looks_accepted(qtbot, desk, clock, monkeypatch, caplog) -> None:
    def disk_full(*_args, **_kwargs):
        raise OSError("database or disk is full")

    monkeypatch.setattr(attendance_service, "scan", disk_full)
    scanner(qtbot, desk, clock, payload(desk, "Zoë"), desk.field)
    assert desk.banner.tone is Tone.REJECTED and "Not recorded" in desk.banner.headline.text()
    assert "could not be recorded" in caplog.text


def test_the_camera_reads_a_badge_and_checks_them_in(qtbot, desk) -> None:
    qtbot.keyClick(desk.field, Qt.Key.Key_F8)
    assert desk.camera_button.isChecked() and desk.camera.isVisible()
    with qtbot.waitSignal(desk.scan_recorded, timeout=WAIT_MS) as blocker:
        desk.test_camera.show(badge_photo(payload(desk, "Mei"), angle=12))
    assert blocker.args[0].person.full_name == "Mei Chen"
    assert desk.recent.row(0).source == Source.CAMERA and desk.banner.tone is Tone.ACCEPTED
    desk.camera_button.click()
    assert not desk.camera.isVisible()


def test_with_no_camera_the_desk_says_so(qtbot, workspace) -> None:
    view = CheckinView(workspace, new_session(workspace))  # the real camera finder: this machine has none
    qtbot.addWidget(view)
    view.show()
    view.camera_button.click()
    assert view.camera.status.text() == NO_CAMERA and not view.camera.preview.isVisible()
    view.hide()


def test_the_scanner_listens_only_while_the_desk_is_on_screen(qtbot, desk) -> None:
    assert desk.catcher.installed
    desk.hide()
    assert not desk.catcher.installed
    desk.show()
    assert desk.catcher.installed


def test_letters_typed_in_a_list_go_to_the_box(qtbot, desk) -> None:
    desk.not_here_table.setFocus()
    qtbot.keyClick(desk.not_here_table, "m")
    qtbot.waitUntil(lambda: desk.field.text() == "m", timeout=WAIT_MS)
    assert desk.field.hasFocus()


def test_every_model_passes_the_model_tester(qtmodeltester, qtbot, desk, clock) -> None:
    scanner(qtbot, desk, clock, payload(desk, "Zoë"), desk.field)
    desk.search("e")
    for model in (desk.in_room, desk.not_here, desk.recent, desk.matches):
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def test_controls_have_accessible_names(desk) -> None:
    for widget in desk.findChildren(QLineEdit) + desk.findChildren(QTableView):
        assert widget.accessibleName(), widget
    for button in desk.findChildren(QAbstractButton):
        if button.isVisible() and not isinstance(button.parent(), QLineEdit | QTableView):  # Qt's own parts
            assert button.text() or button.accessibleName(), button
    assert desk.banner.accessibleName() == "Scan result"


def test_the_banner_goes_back_to_ready_after_a_while(qtbot) -> None:
    banner = ResultBanner(show_for_ms=50)
    qtbot.addWidget(banner)
    banner.set_ready("Arriving: scan a badge")
    banner.show_verdict(Verdict(Tone.ACCEPTED, "✓ Welcome, Mei Chen"))
    banner.set_ready("Leaving: scan badges")  # changing mode keeps the result up
    assert banner.headline.text() == "✓ Welcome, Mei Chen"
    qtbot.waitUntil(lambda: banner.tone is Tone.READY, timeout=WAIT_MS)
    assert banner.headline.text() == "Leaving: scan badges"
    headline_points = banner.headline.font().pointSize()
    assert headline_points >= 28


# The real speaker check, once: this machine has no sound server, so Qt says so, and the desk stays silent.
@pytest.mark.qt_log_ignore("PulseAudioService", "QSoundEffect")
def test_without_speakers_sounds_fall_back_silently(qtbot, monkeypatch) -> None:
    from facilitator.ui.checkin import banner as feedback

    monkeypatch.undo()  # the real audio_output_available, not the test suite's stand-in
    sounds = feedback.Sounds()
    assert sounds.available is feedback.audio_output_available()
    for tone in Tone:
        sounds.play(tone)


def test_the_sound_files_are_there() -> None:
    from facilitator import paths
    from facilitator.ui.checkin.banner import SOUND_FILES

    for name in SOUND_FILES.values():
        assert (paths.assets_dir() / "sounds" / name).stat().st_size > 1000


# --- in the main window ---------------------------------------------------------------------------------


def test_f2_opens_the_desk_for_the_selected_session_and_the_scanner_follows_the_tab(qtbot, demo_window) -> None:
    win, session_id = demo_window
    qtbot.keyClick(win, Qt.Key.Key_F2)
    assert win.tabs.currentIndex() == CHECKIN_TAB
    desk = win.checkin_view
    assert desk is not None and desk.session_id == session_id and desk.catcher.installed
    assert desk.count.text() == "0 of 24 in the room"
    qtbot.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert win.tabs.currentIndex() == SESSIONS_TAB and not desk.catcher.installed
    qtbot.keyClick(win, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert win.checkin_view is desk and desk.catcher.installed
    win.tabs.setCurrentIndex(LIBRARY_TAB)
    assert not desk.catcher.installed


def test_the_sessions_list_has_an_open_check_in_button(qtbot, demo_window, workspace) -> None:
    win, session_id = demo_window
    other = new_session(workspace, "Warehouse 2")
    win.sessions_view.refresh(select_id=other)
    win.sessions_view.checkin_button.click()
    assert win.checkin_view.session_id == other
    win.sessions_view.select(session_id)
    win.open_checkin()
    assert win.checkin_view.session_id == session_id and win.tabs.currentIndex() == CHECKIN_TAB


def test_the_check_in_tab_without_sessions_says_what_to_do(qtbot, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == CHECKIN_TAB and window.checkin_view is None
    assert "Choose a session" in window.tabs.currentWidget().findChild(QLabel).text()
