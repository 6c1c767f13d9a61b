"""Closing a session in the app: review, override with a reason, seal, and write the signed documents."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from facilitator.domain.roster import Person
from facilitator.services import attendance, certificate_batch, closing
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.settings import set_setting
from facilitator.services.verification import verify
from facilitator.ui.dialogs.close_session import CloseSessionDialog, write_documents

NOW = datetime.now(UTC)


def make_session(ws) -> str:
    start = (NOW - timedelta(minutes=160)).astimezone()
    detail = create_session(ws, workshop_id="harassment-prevention-supervisors", on=start.date(),
                            start=start.strftime("%H:%M"), location="Depot", trainer="Sam Lee",
                            jurisdictions=["ca-supervisors"])
    add_people(ws, detail.id, [Person("Zoë", "O'Neil", "E1"), Person("Bo", "Li", "E2")])
    codes = [p.badge_code for p in get_session(ws, detail.id).roster]
    attendance.check_in(ws, detail.id, codes[0], at=NOW - timedelta(minutes=158))
    attendance.check_in(ws, detail.id, codes[1], at=NOW - timedelta(minutes=30))
    set_setting(ws, "organisation", "Harbor View Clinic")
    return detail.id


def test_review_override_seal_and_write(qtbot, workspace, tmp_path: Path, qtmodeltester, monkeypatch) -> None:
    session_id = make_session(workspace)
    dialog = CloseSessionDialog(workspace, session_id)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.outcomes)
    assert [a.eligible for a in dialog.outcomes.rows()] == [True, False]
    assert "1 of 2" in dialog.summary.text()
    dialog.table.selectRow(1)
    monkeypatch.setattr("facilitator.ui.dialogs.close_session.QInputDialog.getText",
                        lambda *a, **k: ("joined the afternoon repeat in full", True))
    dialog.override_selected()
    assert [a.eligible for a in dialog.outcomes.rows()] == [True, True] and "2 of 2" in dialog.summary.text()
    with qtbot.waitSignal(dialog.accepted):
        dialog.seal_button.click()
    assert get_session(workspace, session_id).status == "sealed"
    made = write_documents(dialog, workspace, session_id, tmp_path / "out")
    assert len(made) == 5  # two certificates, the sign-in sheet, the report and the role-play's cards
    assert made[-1].name == "role-cards-roleplay-clinic.pdf"
    assert all(verify(workspace, str(p)).valid for p in made if p.parent.name == "certificates")


def test_the_review_speaks_the_trainers_language_not_codes_or_commands(qtbot, workspace) -> None:
    session_id = make_session(workspace)  # no headcount or qualifications set: the review says what to set
    dialog = CloseSessionDialog(workspace, session_id)
    qtbot.addWidget(dialog)
    credited = dialog.outcomes.data(dialog.outcomes.index(0, 4))
    assert credited.startswith("California (supervisors): ") and "ca-supervisors" not in credited
    summary = dialog.summary.text()
    assert "File → Settings" in summary
    assert "facilitator " not in summary and "settings set" not in summary, "no shell command in a window"
    plan_text = " ".join(closing.plan_close(workspace, session_id).warnings)
    assert "facilitator settings set" in plan_text, "the command line still says the command"


def test_the_main_window_seals_from_the_sessions_list(qtbot, window, monkeypatch) -> None:
    session_id = make_session(window._ws)
    window.sessions_view.refresh(select_id=session_id)
    assert window.sessions_view.close_button.isEnabled()
    monkeypatch.setattr("facilitator.ui.main_window.QMessageBox.question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    dialog = window.close_session(session_id)
    dialog.seal_button.click()
    assert get_session(window._ws, session_id).status == "sealed"
    assert not window.sessions_view.close_button.isEnabled()
    assert "sealed" in window.statusBar().currentMessage()
    box = window.show_identity()
    assert "Sam Lee" in box.text() and "Fingerprint" in box.text()
    box.close()


def sealed_with(ws, people: int) -> str:
    """A sealed session in which `people` attended the whole of it (no delivery recorded: certificates still)."""
    from facilitator.services import closing
    from facilitator.services.identity import signer

    start = (NOW - timedelta(minutes=160)).astimezone()
    detail = create_session(ws, workshop_id="harassment-prevention-supervisors", on=start.date(),
                            start=start.strftime("%H:%M"), location="Depot", trainer="Sam Lee",
                            jurisdictions=["ca-supervisors"])
    add_people(ws, detail.id, [Person(f"Person{i}", "Signing", f"E{i:03}") for i in range(people)])
    for person in get_session(ws, detail.id).roster:
        attendance.check_in(ws, detail.id, person.badge_code, at=NOW - timedelta(minutes=158))
    set_setting(ws, "organisation", "Harbor View Clinic")
    closing.close_session(ws, detail.id, signer(ws, create_as="Sam Lee"), at=NOW)
    return detail.id


def test_the_window_keeps_turning_while_60_certificates_sign(qtbot, workspace, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QWidget

    session_id = sealed_with(workspace, 60)
    parent = QWidget()
    qtbot.addWidget(parent)
    ticks: list[int] = []
    clock = QTimer(interval=20)
    clock.timeout.connect(lambda: ticks.append(1))
    clock.start()
    shown: list[int] = []
    probe = QTimer(interval=50)  # what the trainer sees: the progress bar moving
    probe.timeout.connect(lambda: shown.extend(d.value() for d in parent.findChildren(QProgressDialog)))
    probe.start()
    made = write_documents(parent, workspace, session_id, tmp_path / "out")
    clock.stop()
    probe.stop()
    assert len(made) == 63
    assert len(ticks) >= 20, "the event loop ran all along (a frozen window would tick once at the end)"
    assert len(set(shown)) >= 3, "the progress bar moved"


@pytest.mark.parametrize("pooled", [False, True], ids=["one process", "worker processes"])
def test_cancel_stops_between_two_whole_certificates(qtbot, workspace, tmp_path: Path, monkeypatch,
                                                     pooled: bool) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

    if pooled:  # 40 certificates would be made in one process: made by two workers here, whatever the computer
        monkeypatch.setattr(certificate_batch, "PER_WORKER", 1)
        monkeypatch.setattr(certificate_batch, "_cores", lambda: 2)
    session_id = sealed_with(workspace, 40)
    parent = QWidget()
    qtbot.addWidget(parent)
    told: list[str] = []
    monkeypatch.setattr("facilitator.ui.dialogs.close_session.QMessageBox.information",
                        lambda _parent, _title, text: told.append(text))

    def press_cancel() -> None:  # as the trainer does: the dialog's Cancel button
        for dialog in parent.findChildren(QProgressDialog):
            if dialog.value() >= 3 and dialog.isVisible():
                dialog.findChild(QPushButton).click()

    canceller = QTimer(interval=20)
    canceller.timeout.connect(press_cancel)
    canceller.start()
    assert write_documents(parent, workspace, session_id, tmp_path / "out") == []
    canceller.stop()
    written = sorted((tmp_path / "out" / "certificates").glob("*.pdf"))
    assert 3 <= len(written) < 40
    assert told and f"wrote {len(written)} of 40" in told[0]
    assert all(verify(workspace, str(p)).valid for p in written), "every file left behind is whole and signed"
    assert multiprocessing.active_children() == [], "no worker left behind"


def test_a_sealed_sessions_documents_can_be_written_again_from_the_sessions_list(qtbot, window, tmp_path: Path,
                                                                                  monkeypatch) -> None:
    session_id = sealed_with(window._ws, 2)
    window.sessions_view.refresh(select_id=session_id)
    assert window.sessions_view.documents_button.isEnabled() and not window.sessions_view.close_button.isEnabled()
    opened: list[str] = []
    monkeypatch.setattr("facilitator.ui.main_window.QDesktopServices.openUrl", lambda url: opened.append(url))
    made = window.write_session_documents(session_id, tmp_path / "again")
    assert len(made) == 5 and {p.name for p in made} >= {"sign-in-sheet.pdf", "session-report.pdf"}
    assert "Wrote 5 documents" in window.statusBar().currentMessage()
    box = next(w for w in window.findChildren(QMessageBox) if w.isVisible())
    next(b for b in box.buttons() if "Open the folder" in b.text()).click()
    assert opened, "the folder is opened for the trainer"


def test_a_missing_organisation_is_asked_for_in_place(qtbot, workspace, tmp_path: Path, monkeypatch) -> None:
    from facilitator.services.settings import load_settings, set_setting

    session_id = sealed_with(workspace, 2)
    set_setting(workspace, "organisation", "")
    monkeypatch.setattr("facilitator.ui.dialogs.close_session.QInputDialog.getText",
                        lambda *a, **k: ("Harbor View Clinic", True))
    made = write_documents(None, workspace, session_id, tmp_path / "asked")
    assert len(made) == 5 and load_settings(workspace).organisation == "Harbor View Clinic"


def test_without_an_organisation_the_rest_is_still_written(qtbot, workspace, tmp_path: Path, monkeypatch) -> None:
    from facilitator.services.settings import set_setting

    session_id = sealed_with(workspace, 2)
    set_setting(workspace, "organisation", "")
    monkeypatch.setattr("facilitator.ui.dialogs.close_session.QInputDialog.getText", lambda *a, **k: ("", False))
    told: list[str] = []
    monkeypatch.setattr("facilitator.ui.dialogs.close_session.QMessageBox.information",
                        lambda _parent, _title, text: told.append(text))
    made = write_documents(None, workspace, session_id, tmp_path / "partial")
    assert {p.name for p in made} == {"sign-in-sheet.pdf", "session-report.pdf",
                                      "role-cards-roleplay-clinic.pdf"}
    assert told and "File → Settings" in told[0]
