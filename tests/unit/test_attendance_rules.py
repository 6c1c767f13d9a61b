"""The pure attendance rules: replaying a log into visits, deciding scans, statuses and clock jumps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from facilitator.domain.attendance import (
    Direction,
    Event,
    EventKind,
    Outcome,
    Schedule,
    Source,
    Status,
    clock_jumps,
    decide,
    replay,
    status,
)

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ev(seq: int, kind: EventKind, minutes: float, person: int | None = 1, voids: int | None = None) -> Event:
    return Event(seq, kind, at(minutes), person=person, voids=voids)


SCHEDULE = Schedule(T0, at(120), timedelta(minutes=10))


def test_a_visit_counts_the_minutes_between_in_and_out() -> None:
    people = replay([ev(1, EventKind.CHECK_IN, 0), ev(2, EventKind.CHECK_OUT, 90)])
    assert people[1].minutes(at(200)) == 90
    assert people[1].first_in == at(0) and people[1].last_out == at(90)


def test_repeated_check_ins_count_once_and_an_open_visit_runs_to_now() -> None:
    people = replay([ev(1, EventKind.CHECK_IN, 0), ev(2, EventKind.CHECK_IN, 5), ev(3, EventKind.CHECK_IN, 7)])
    assert len(people[1].visits) == 1
    assert people[1].is_in and people[1].minutes(at(30)) == 30


def test_leaving_and_coming_back_is_two_visits() -> None:
    people = replay([ev(1, EventKind.CHECK_IN, 0), ev(2, EventKind.CHECK_OUT, 30),
                     ev(3, EventKind.CHECK_IN, 45), ev(4, EventKind.CHECK_OUT, 120)])
    assert [v.start for v in people[1].visits] == [at(0), at(45)]
    assert people[1].minutes(at(500)) == 105


def test_a_void_removes_the_event_it_names() -> None:
    people = replay([ev(1, EventKind.CHECK_IN, 0), ev(2, EventKind.CHECK_OUT, 10),
                     ev(3, EventKind.VOID, 11, voids=2)])
    assert people[1].is_in and people[1].last_out is None


def test_a_voided_check_in_leaves_the_person_absent() -> None:
    people = replay([ev(1, EventKind.CHECK_IN, 0, person=7), ev(2, EventKind.VOID, 1, person=7, voids=1)])
    assert status(people.get(7), SCHEDULE) is Status.ABSENT


def test_rejected_scans_change_nothing() -> None:
    people = replay([ev(1, EventKind.REJECTED, 0), ev(2, EventKind.CHECK_IN, 3)])
    assert people[1].first_in == at(3)


def test_check_out_before_any_check_in_is_ignored() -> None:
    assert replay([ev(1, EventKind.CHECK_OUT, 0)])[1].visits == []


def test_decide_covers_each_door_situation() -> None:
    inside = replay([ev(1, EventKind.CHECK_IN, 0)])[1]
    left = replay([ev(1, EventKind.CHECK_IN, 0), ev(2, EventKind.CHECK_OUT, 10)])[1]
    assert decide(None, Direction.IN) is Outcome.CHECKED_IN
    assert decide(inside, Direction.IN) is Outcome.ALREADY_IN
    assert decide(left, Direction.IN) is Outcome.WELCOME_BACK
    assert decide(inside, Direction.OUT) is Outcome.CHECKED_OUT
    assert decide(left, Direction.OUT) is Outcome.ALREADY_OUT
    assert decide(None, Direction.OUT) is Outcome.NOT_IN


def test_a_time_keyed_in_before_one_recorded_is_out_of_order() -> None:
    """Scanned in at 0 and out at 10, then a paper sheet's "in at 0" keyed in: it would reopen her visit to the
    close. Refused; a time keyed in after her last one, or a live scan, is decided as before."""
    left = replay([ev(1, EventKind.CHECK_IN, 0), ev(2, EventKind.CHECK_OUT, 10)])[1]
    inside = replay([ev(1, EventKind.CHECK_IN, 30)])[1]
    assert decide(left, Direction.IN, keyed_at=at(0)) is Outcome.OUT_OF_ORDER
    assert decide(inside, Direction.OUT, keyed_at=at(20)) is Outcome.OUT_OF_ORDER
    assert decide(left, Direction.IN, keyed_at=at(15)) is Outcome.WELCOME_BACK
    assert decide(left, Direction.IN) is Outcome.WELCOME_BACK
    assert decide(None, Direction.IN, keyed_at=at(-30)) is Outcome.CHECKED_IN


def test_a_visit_never_starts_before_the_one_before_it_ended() -> None:
    """A log whose times go backwards (a clock set back between two scans) counts no minute twice."""
    people = replay([ev(1, EventKind.CHECK_IN, 0), ev(2, EventKind.CHECK_OUT, 10), ev(3, EventKind.CHECK_IN, 0),
                     ev(4, EventKind.CHECK_OUT, 10)])
    assert people[1].minutes(at(100)) == 10


def test_status_uses_the_grace_period_at_both_ends() -> None:
    def person_status(arrive: float, leave: float | None = None) -> Status:
        events = [ev(1, EventKind.CHECK_IN, arrive)]
        if leave is not None:
            events.append(ev(2, EventKind.CHECK_OUT, leave))
        return status(replay(events)[1], SCHEDULE)

    assert person_status(10) is Status.PRESENT  # on the last minute of grace
    assert person_status(10.5) is Status.LATE
    assert person_status(-5, 111) is Status.PRESENT
    assert person_status(-5, 100) is Status.LEFT_EARLY
    assert person_status(30, 60) is Status.LATE_AND_LEFT_EARLY
    assert status(None, SCHEDULE) is Status.ABSENT


def test_a_clock_jump_is_flagged_and_a_restart_is_not() -> None:
    def mono(seq: int, minutes: float, steady_minutes: float, source: str = Source.SCANNER) -> Event:
        return Event(seq, EventKind.CHECK_IN, at(minutes), person=seq, source=source,
                     monotonic_ms=int(steady_minutes * 60_000))

    steady = [mono(1, 0, 100), mono(2, 5, 105)]
    assert clock_jumps(steady) == []
    jumped = clock_jumps([mono(1, 0, 100), mono(2, 65, 105)])  # an hour more on the wall than really passed
    assert [(j.after_seq, j.seq) for j in jumped] == [(1, 2)]
    assert clock_jumps([mono(1, 0, 100), mono(2, 5, 1)]) == []  # steady clock restarted: a reboot
    assert clock_jumps([mono(1, 0, 100), mono(2, 65, 105, Source.PAPER)]) == []


@given(st.lists(st.tuples(st.sampled_from([EventKind.CHECK_IN, EventKind.CHECK_OUT, EventKind.REJECTED]),
                          st.integers(1, 3), st.integers(0, 5)), max_size=40))
def test_replay_never_counts_more_minutes_than_the_log_spans(steps: list[tuple[EventKind, int, int]]) -> None:
    events, clock = [], 0
    for seq, (kind, person, gap) in enumerate(steps, start=1):
        clock += gap
        events.append(ev(seq, kind, clock, person=person))
    for person in replay(events).values():
        assert 0 <= person.minutes(at(clock)) <= clock
        starts = [v.start for v in person.visits]
        assert starts == sorted(starts)
        assert all(v.end is not None for v in person.visits[:-1])
