"""The step the presenter was on, kept for a reopened console: per session and segment, and never an error."""

from __future__ import annotations

from facilitator import paths
from facilitator.services.presenter_state import KEPT, save_step, saved_step
from facilitator.services.workspace import Workspace


def test_the_step_is_kept_per_session_and_segment(workspace: Workspace) -> None:
    assert saved_step(workspace, "S1", "welcome") == 0
    save_step(workspace, "S1", "scenario", 2)
    save_step(workspace, "S2", "talk", 1)
    assert saved_step(workspace, "S1", "scenario") == 2 and saved_step(workspace, "S2", "talk") == 1
    assert saved_step(workspace, "S1", "another-segment") == 0, "a step belongs to its segment"
    assert saved_step(workspace, "S1", None) == 0


def test_a_damaged_or_foreign_file_means_step_one(workspace: Workspace) -> None:
    path = paths.presenter_file(workspace.data_dir)
    for junk in (b"{not json", b"[1, 2]", b'{"S1": {"segment": "a", "step": -3}}', b"\xff\xfe"):
        path.write_bytes(junk)
        assert saved_step(workspace, "S1", "a") == 0
    save_step(workspace, "S1", "a", 1)  # and it is written over
    assert saved_step(workspace, "S1", "a") == 1


def test_only_the_latest_sessions_are_remembered(workspace: Workspace) -> None:
    for n in range(KEPT + 5):
        save_step(workspace, f"S{n}", "x", 1)
    assert saved_step(workspace, "S0", "x") == 0 and saved_step(workspace, f"S{KEPT + 4}", "x") == 1


def test_an_unwritable_data_folder_leaves_the_console_working(workspace: Workspace, monkeypatch) -> None:
    def refuse(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("facilitator.services.presenter_state.write_atomically", refuse)
    save_step(workspace, "S1", "a", 2)  # no exception reaches the console
    assert saved_step(workspace, "S1", "a") == 0
