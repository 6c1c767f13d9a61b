"""The presenter model without any window: Page Down through steps and reveals, the pass-over a clicker needs, the
round clock, which slide the room sees, and the step kept for a reopened console or the command line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from facilitator.domain import rotation
from facilitator.services import attendance, closing, companion, delivery
from facilitator.services.demo import ensure_demo_session
from facilitator.services.errors import UserError
from facilitator.services.identity import signer
from facilitator.services.presenter import Presenter, RevealRefused
from facilitator.services.sessions import get_session
from facilitator.services.slides import SlideKind
from facilitator.services.workspace import Workspace

NOW = datetime.now(UTC).replace(microsecond=0)
SCENARIO, NEXT_AFTER_SCENARIO = "scenario-out-of-town-job", "identity-and-abusive-conduct"
QUIZ, ROLE_PLAY = "knowledge-check", "practice-saying-something"


class Wall:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def wait(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def sid(workspace: Workspace) -> str:
    return ensure_demo_session(workspace, date.today())


@pytest.fixture
def presenter(workspace: Workspace, sid: str, wall: Wall) -> Presenter:
    return Presenter(workspace, sid, now=wall)


def names(p: Presenter) -> list[str]:
    return [s.name for s in p.stages()]


def test_page_down_goes_through_a_scenario_and_reveals_what_was_counted(presenter: Presenter) -> None:
    presenter.start(SCENARIO)
    assert names(presenter) == ["screen", "vote", "results"] and presenter.step == 0
    assert presenter.slide().kind is SlideKind.TEXT
    presenter.next_step()
    assert presenter.step == 1 and presenter.slide().kind is SlideKind.VOTE
    logged = presenter.run.delivery.log_length
    presenter.next_step([1, 2, 14, 2])  # the hands typed at the console: counted, then shown
    assert presenter.step == 2 and presenter.slide().kind is SlideKind.RESULTS
    assert presenter.slide().counts == (1, 2, 14, 2)
    assert presenter.run.delivery.log_length == logged + 2
    presenter.next_step()
    assert presenter.segment == NEXT_AFTER_SCENARIO and presenter.step == 0


def test_a_refused_reveal_is_passed_over_by_a_second_page_down(presenter: Presenter) -> None:
    presenter.start(SCENARIO)
    presenter.next_step()
    logged = presenter.run.delivery.log_length
    with pytest.raises(RevealRefused) as refused:
        presenter.next_step()
    assert "count the hands first" in refused.value.message
    assert "Page Down again" in refused.value.for_app() and "--without-results" in refused.value.for_command_line()
    assert presenter.step == 1 and presenter.run.delivery.log_length == logged
    presenter.next_step()  # the clicker's second press: on, without results
    assert presenter.segment == NEXT_AFTER_SCENARIO
    assert SCENARIO not in {s for s, item in _revealed(presenter)}


def test_hands_typed_after_a_refusal_are_revealed_on_the_second_press(presenter: Presenter) -> None:
    presenter.start(SCENARIO)
    presenter.next_step()
    with pytest.raises(RevealRefused):
        presenter.next_step()
    presenter.next_step([3, 0, 9, 1])  # counted in the meantime: shown, not passed over
    assert presenter.segment == SCENARIO and presenter.slide().kind is SlideKind.RESULTS


def test_a_quiz_question_passed_over_goes_to_the_next_question(presenter: Presenter) -> None:
    presenter.start(QUIZ)
    while presenter.stage().name != "question":
        presenter.next_step()
    first = presenter.step
    presenter.next_step(without_results=True)
    assert presenter.stage().name == "question" and presenter.stage().item == 1 and presenter.step == first + 2


def _revealed(p: Presenter) -> set[tuple[str, int]]:
    return {(r.segment.id, item) for r in p.run.delivery.runs for item in r.revealed}


def test_the_step_is_kept_for_a_reopened_console_and_the_command_line(workspace: Workspace, sid: str,
                                                                        wall: Wall) -> None:
    first = Presenter(workspace, sid, now=wall)
    first.start(SCENARIO)
    first.next_step()
    assert Presenter(workspace, sid, now=wall).step == 1  # reopened: on the vote, not the scenario's screen
    elsewhere = Presenter(workspace, sid, now=wall)
    elsewhere.previous_step()
    assert first.moved_elsewhere()
    assert first.catch_up() and first.step == 0
    assert not first.moved_elsewhere() and not first.catch_up()


def test_a_segment_moved_elsewhere_is_caught_up_with_at_its_first_step(presenter: Presenter, workspace: Workspace,
                                                                       sid: str, wall: Wall) -> None:
    presenter.start(SCENARIO)
    presenter.next_step()
    delivery.advance(workspace, sid, at=wall())  # `facilitator run next` from a terminal
    assert presenter.catch_up()
    assert presenter.segment == NEXT_AFTER_SCENARIO and presenter.step == 0


def test_moving_outside_the_segment_is_refused(presenter: Presenter) -> None:
    presenter.start(SCENARIO)
    with pytest.raises(UserError):
        presenter.move_to(3)
    assert presenter.previous_step() is presenter.run and presenter.step == 0


def test_the_room_sees_welcome_check_in_blank_and_end(presenter: Presenter, workspace: Workspace, sid: str,
                                                      wall: Wall) -> None:
    assert presenter.slide().kind is SlideKind.WELCOME
    presenter.checkin_open = True
    assert presenter.slide().kind is SlideKind.CHECKIN
    presenter.blanked = True
    assert presenter.slide().kind is SlideKind.BLANK
    presenter.blanked = presenter.checkin_open = False
    *earlier, last = delivery.session_run(workspace, sid).workshop.segments
    for segment in earlier:
        delivery.skip(workspace, sid, segment.id, at=wall())
    delivery.start(workspace, sid, last.id, at=wall())
    delivery.end(workspace, sid, at=wall())
    presenter.catch_up()
    assert presenter.slide().kind is SlideKind.END


def test_the_round_clock_runs_from_the_round_and_stops_while_paused(presenter: Presenter, workspace: Workspace,
                                                                    sid: str, wall: Wall) -> None:
    codes = [p.badge_code for p in get_session(workspace, sid).roster][:6]
    for code in codes:
        attendance.check_in(workspace, sid, code)
    presenter.start(ROLE_PLAY)
    presenter.assign(ROLE_PLAY, [t for t, _n in delivery.people_present(workspace, sid)], opted_out=[],
                     volunteers=[])
    while presenter.stage().name != "round":
        presenter.next_step()
    minutes = presenter.run.segment(ROLE_PLAY).round_minutes
    assert presenter.slide().until == wall() + timedelta(minutes=minutes)
    started = wall()
    wall.wait(1)
    presenter.toggle_pause()
    wall.wait(2)
    presenter.toggle_pause()
    assert presenter.slide().until == started + timedelta(minutes=minutes + 2)  # two minutes paused
    presenter.next_step()  # the next round: parts rotated, a fresh clock
    assert presenter.stage().item == 1 and len(presenter.run.delivery.current_run.role_rounds) == 2
    assert presenter.slide().until == wall() + timedelta(minutes=minutes)


def test_a_sealed_session_keeps_no_step(presenter: Presenter, workspace: Workspace, sid: str, wall: Wall) -> None:
    presenter.start(SCENARIO)
    closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"), at=wall())
    presenter.catch_up()
    assert presenter.run.sealed and presenter.segment is None
    with pytest.raises(UserError):
        presenter.next_step()


# --- phones: the join address on the check-in slide, and questions from the room ------------------------------

def test_the_check_in_slide_holds_the_join_address_only_while_phones_can_join(presenter: Presenter,
                                                                              workspace: Workspace, sid: str,
                                                                              wall: Wall) -> None:
    presenter.checkin_open = True
    assert presenter.slide().qr_text is None and presenter.code_changes_at() is None  # no phones: no code at all
    presenter.phones = ("192.168.137.1", 8765)
    shown = presenter.slide()
    code = companion.join_code(workspace, sid, wall())
    assert shown.qr_text == f"http://192.168.137.1:8765/j/{code.code}"
    assert "changes every 20 seconds" in shown.body
    assert presenter.code_changes_at() == code.changes_at
    wall.now = code.changes_at  # the slot has turned: a new code, accepted by the service that checks it
    turned = presenter.slide().qr_text
    assert turned != shown.qr_text and companion.code_accepted(workspace, sid, turned.rsplit("/", 1)[1], wall())
    assert presenter.code_changes_at() == code.changes_at + rotation.PERIOD
    wall.now = code.changes_at - timedelta(hours=1)  # the laptop's clock went back: the code follows it
    assert presenter.slide().qr_text.endswith(companion.join_code(workspace, sid, wall()).code)
    presenter.phones = None
    assert presenter.slide().qr_text is None


def test_a_question_from_the_room_stays_on_screen_until_taken_down_or_a_step(presenter: Presenter) -> None:
    presenter.start(SCENARIO)
    question = presenter.show_question("Is a  joke ever OK?")
    assert (question.kind, question.heading, question.body) == (SlideKind.ROOM_QUESTION, "Question from the room",
                                                                "Is a joke ever OK?")
    presenter.next_step()  # the first Page Down only takes it down, as a blanked screen comes back
    assert presenter.step == 0 and presenter.slide().kind is SlideKind.TEXT
    presenter.next_step()
    assert presenter.step == 1
    presenter.show_question("Who do I tell?")
    presenter.blanked = True
    assert presenter.slide().kind is SlideKind.BLANK  # blanking still blanks
    presenter.blanked = False
    assert presenter.take_question_down() and not presenter.take_question_down()
    presenter.show_question("Who do I tell?")
    presenter.start(QUIZ)  # a step taken from the agenda moves on, and the question goes
    assert presenter.slide().kind is not SlideKind.ROOM_QUESTION
