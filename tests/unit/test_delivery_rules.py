"""The pure delivery rules: replaying a delivery log into segment runs, the presenter's clock, which steps make
sense, role-play groups and their rotation, and what the room may see of a tally."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitator.domain.delivery import (
    Delivery,
    DeliveryError,
    DeliveryEvent,
    DeliveryKind,
    PlannedSegment,
    Role,
    RoleAssignment,
    RoleGroup,
    RunState,
    assign_roles,
    check_step,
    clock,
    describe_tally,
    planned_starts,
    replay,
    rotate_roles,
    shares,
    warning_window,
)

K = DeliveryKind
T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
PLAN = [PlannedSegment("a", "Welcome", "talk", 10), PlannedSegment("b", "Night shift", "scenario", 20),
        PlannedSegment("c", "Break", "break", 5), PlannedSegment("d", "Feedback", "feedback", 5)]
PLANNED_END = T0 + timedelta(minutes=40)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def mins(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


Step = tuple[DeliveryKind, float, str | None, Mapping[str, Any]]


def step(kind: DeliveryKind, when: float, segment: str | None = None, **detail: Any) -> Step:
    """A step `when` minutes after the planned start."""
    return kind, when, segment, detail


def run(*steps: Step, plan: Sequence[PlannedSegment] = PLAN) -> Delivery:
    """Replay a log, checking each step is one the services would have let through (so every test log is a
    log that could really exist)."""
    events: list[DeliveryEvent] = []
    for kind, minutes, segment, detail in steps:
        check_step(replay(plan, events), kind, segment, detail)
        events.append(DeliveryEvent(kind, at(minutes), segment, dict(detail)))
    return replay(plan, events)


def states(d: Delivery) -> dict[str, RunState]:
    return {r.segment.id: r.state(d.paused_since) for r in d.runs}


# --- replay ----------------------------------------------------------------------------------------------------

def test_an_empty_log_is_all_waiting_with_the_first_segment_next() -> None:
    d = replay(PLAN, [])
    assert set(states(d).values()) == {RunState.WAITING}
    assert d.current is None and d.current_run is None and d.paused_since is None
    assert d.next_up is not None and d.next_up.segment.id == "a"
    assert not d.finished and d.log_length == 0


def test_starting_the_next_segment_ends_the_running_one() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.STARTED, 12, "b"))
    assert d.run_of("a").spans == [(at(0), at(12))]
    assert d.run_of("b").spans == [(at(12), None)]
    assert states(d) == {"a": RunState.DONE, "b": RunState.RUNNING, "c": RunState.WAITING, "d": RunState.WAITING}
    assert d.current == "b" and d.current_run is d.run_of("b")
    assert d.next_up is not None and d.next_up.segment.id == "c"
    assert d.run_of("a").started_at == at(0) and d.run_of("a").ended_at == at(12)
    assert d.run_of("b").ended_at is None
    assert d.log_length == 2


def test_ending_leaves_nothing_running_and_the_following_segment_next() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.ENDED, 9, "a"))
    assert d.current is None and states(d)["a"] is RunState.DONE
    assert d.run_of("a").elapsed(at(50)) == mins(9)
    assert d.next_up is not None and d.next_up.segment.id == "b"
    assert not d.finished


def test_elapsed_leaves_out_pauses_including_one_still_going() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.PAUSED, 3), step(K.RESUMED, 8), step(K.PAUSED, 10))
    a = d.run_of("a")
    assert states(d)["a"] is RunState.PAUSED and d.paused_since == at(10)
    assert a.paused == mins(5)
    assert a.elapsed(at(10), d.paused_since) == mins(5)
    assert a.elapsed(at(25), d.paused_since) == mins(5)  # the pause still going does not count
    resumed = run(step(K.STARTED, 0, "a"), step(K.PAUSED, 3), step(K.RESUMED, 8), step(K.PAUSED, 10),
                  step(K.RESUMED, 25))
    assert states(resumed)["a"] is RunState.RUNNING and resumed.paused_since is None
    assert resumed.run_of("a").elapsed(at(27)) == mins(7)


def test_ending_a_paused_segment_closes_its_pause() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.PAUSED, 4), step(K.ENDED, 9, "a"))
    a = d.run_of("a")
    assert d.paused_since is None and d.current is None
    assert states(d)["a"] is RunState.DONE
    assert a.paused == mins(5) and a.elapsed(at(60)) == mins(4)
    # The next segment starts with a clean clock, not paused.
    later = run(step(K.STARTED, 0, "a"), step(K.PAUSED, 4), step(K.ENDED, 9, "a"), step(K.STARTED, 10, "b"))
    assert states(later)["b"] is RunState.RUNNING and later.run_of("b").elapsed(at(13)) == mins(3)


def test_starting_another_segment_while_paused_closes_the_pause() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.PAUSED, 4), step(K.STARTED, 6, "b"))
    assert d.paused_since is None and d.run_of("a").elapsed(at(30)) == mins(4)
    assert states(d)["b"] is RunState.RUNNING and d.run_of("b").paused == timedelta()


def test_extending_gives_the_running_segment_more_time() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.EXTENDED, 5, minutes=3), step(K.EXTENDED, 6, "a", minutes=2))
    assert d.run_of("a").extra_minutes == 5 and d.run_of("a").allowed == mins(15)
    assert d.run_of("b").allowed == mins(20)


def test_a_skipped_segment_is_passed_over() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.SKIPPED, 5, "b"))
    assert states(d)["b"] is RunState.SKIPPED
    assert d.next_up is not None and d.next_up.segment.id == "c"
    d = run(step(K.STARTED, 0, "a"), step(K.SKIPPED, 5, "b"), step(K.STARTED, 10, "c"))
    assert d.next_up is not None and d.next_up.segment.id == "d"


def test_skipping_ahead_while_a_segment_runs_leaves_the_one_in_between_next() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.SKIPPED, 5, "c"))
    assert d.next_up is not None and d.next_up.segment.id == "b"
    d = run(step(K.STARTED, 0, "a"), step(K.SKIPPED, 5, "c"), step(K.ENDED, 10, "a"))
    assert d.next_up is not None and d.next_up.segment.id == "b"  # not d: b was neither run nor skipped
    assert not d.finished


def test_skipping_before_anything_ran_moves_next_up_along() -> None:
    d = run(step(K.SKIPPED, -1, "a"))
    assert d.current is None and d.next_up is not None and d.next_up.segment.id == "b"
    assert not d.finished


def test_a_skipped_segment_can_still_be_run_after_all() -> None:
    d = run(step(K.SKIPPED, 0, "a"), step(K.STARTED, 1, "a"))
    assert not d.run_of("a").skipped and states(d)["a"] is RunState.RUNNING


def test_going_back_to_an_earlier_segment_adds_a_span_and_next_up_moves_on() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.STARTED, 10, "b"), step(K.STARTED, 30, "c"), step(K.STARTED, 35, "a"))
    a = d.run_of("a")
    assert a.spans == [(at(0), at(10)), (at(35), None)]
    assert a.started_at == at(0) and a.ended_at is None
    assert a.elapsed(at(37)) == mins(12)
    assert d.current == "a" and d.next_up is not None and d.next_up.segment.id == "d"
    d = run(step(K.STARTED, 0, "a"), step(K.STARTED, 10, "b"), step(K.STARTED, 30, "c"), step(K.STARTED, 35, "a"),
            step(K.ENDED, 37, "a"))
    assert d.run_of("a").ended_at == at(37)
    assert d.current is None and d.next_up is not None and d.next_up.segment.id == "d"


def test_after_the_last_segment_nothing_is_next_and_the_delivery_is_finished() -> None:
    steps = [step(K.STARTED, 0, "a"), step(K.STARTED, 10, "b"), step(K.STARTED, 30, "c"), step(K.STARTED, 35, "d")]
    d = run(*steps)
    assert d.current == "d" and d.next_up is None and not d.finished
    d = run(*steps, step(K.ENDED, 40, "d"))
    assert d.current is None and d.next_up is None and d.finished
    assert set(states(d).values()) == {RunState.DONE}


def test_a_segment_left_behind_by_jumping_ahead_comes_up_after_the_last() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.STARTED, 10, "d"))
    assert d.next_up is not None and d.next_up.segment.id == "b"
    d = run(step(K.STARTED, 0, "a"), step(K.STARTED, 10, "d"), step(K.ENDED, 15, "d"))
    assert d.next_up is not None and d.next_up.segment.id == "b"
    assert not d.finished
    d = run(step(K.STARTED, 0, "a"), step(K.STARTED, 10, "d"), step(K.SKIPPED, 15, "b"), step(K.SKIPPED, 15, "c"),
            step(K.ENDED, 15, "d"))
    assert d.next_up is None and d.finished


def test_skipping_everything_is_not_a_finished_delivery() -> None:
    d = run(*(step(K.SKIPPED, 0, s.id) for s in PLAN))
    assert d.next_up is None and not d.finished


def test_tallies_reveals_notes_and_roles_are_kept_on_their_segment() -> None:
    roles = RoleAssignment(1, (RoleGroup((("Speaker", "p1"), ("Coworker", "p2")), ("p3",), ("p4",)),))
    d = run(step(K.STARTED, 0, "b"), step(K.TALLY, 1, "b", item=0, counts=[3, 4]),
            step(K.TALLY, 2, "b", item=0, counts=[5, 4]), step(K.REVEALED, 3, "b", item=0),
            step(K.NOTE, 4, "a", text="ran long"), step(K.ROLES, 5, "b", **roles.as_detail()))
    b = d.run_of("b")
    assert b.tallies == {0: (5, 4)}  # a later tally replaces the earlier one
    assert b.revealed == {0}
    assert b.role_rounds == [roles]
    assert d.run_of("a").notes == ["ran long"]
    assert d.log_length == 6


def test_a_role_assignment_survives_its_round_trip_through_the_log() -> None:
    assignment = RoleAssignment(2, (RoleGroup((("Speaker", "p1"), ("Target", None)), ("p2", "p3"), ("p9",)),
                                    RoleGroup((("Speaker", "p4"), ("Target", "p5")))))
    assert RoleAssignment.from_detail(assignment.as_detail()) == assignment


# --- the clock ---------------------------------------------------------------------------------------------------

def test_planned_starts_follow_the_plan() -> None:
    assert planned_starts(PLAN, T0) == [at(0), at(10), at(30), at(35)]


@pytest.mark.parametrize("allowed, window", [
    (mins(1), timedelta(seconds=30)),  # a fifth is 12 s: at least 30 s
    (mins(2.5), timedelta(seconds=30)),
    (mins(5), mins(1)),  # a fifth
    (mins(10), mins(2)),
    (mins(60), mins(2)),  # a fifth is 12 min: at most 2
])
def test_the_warning_window_is_the_last_fifth_clamped(allowed: timedelta, window: timedelta) -> None:
    assert warning_window(allowed) == window


def test_before_the_first_segment_with_the_start_still_ahead_the_plan_holds() -> None:
    c = clock(replay(PLAN, []), T0, at(-30))
    assert c.segment is None and c.elapsed == timedelta() and not c.warning and not c.over
    assert c.planned_end == PLANNED_END and c.projected_end == PLANNED_END and c.drift == timedelta()


def test_before_the_first_segment_with_the_start_passed_the_session_falls_behind() -> None:
    c = clock(replay(PLAN, []), T0, at(10))
    assert c.segment is None and c.drift == mins(10) and c.projected_end == at(50)


def test_time_left_and_the_warning_near_the_end() -> None:
    d = run(step(K.STARTED, 0, "a"))  # 10 minutes: warn in the last 2
    c = clock(d, T0, at(3))
    assert c.segment == "a" and c.elapsed == mins(3) and c.left == mins(7)
    assert not c.warning and not c.over and c.drift == timedelta()
    assert not clock(d, T0, at(7.9)).warning
    c = clock(d, T0, at(8))
    assert c.warning and not c.over and c.left == mins(2)
    c = clock(d, T0, at(10))
    assert c.warning and not c.over and c.left == timedelta()


def test_over_time_counts_down_past_zero_and_pushes_the_finish_back() -> None:
    c = clock(run(step(K.STARTED, 0, "a")), T0, at(15))
    assert c.over and c.warning and c.left == mins(-5)
    assert c.projected_end == at(45) and c.drift == mins(5)


def test_extending_moves_the_end_of_the_segment() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.EXTENDED, 9, minutes=5))
    c = clock(d, T0, at(12))
    assert c.left == mins(3) and not c.warning and not c.over


def test_drift_is_positive_when_behind() -> None:
    c = clock(run(step(K.STARTED, 5, "a")), T0, at(5))  # started five minutes late
    assert c.drift == mins(5) and c.projected_end == at(45)


def test_drift_is_negative_when_ahead() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.ENDED, 4, "a"))  # six minutes early
    c = clock(d, T0, at(4))
    assert c.segment is None and c.drift == mins(-6)
    c = clock(run(step(K.STARTED, 0, "a"), step(K.STARTED, 4, "b")), T0, at(4))
    assert c.segment == "b" and c.drift == mins(-6)


def test_skipping_a_segment_puts_the_session_ahead() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.SKIPPED, 1, "c"))
    assert clock(d, T0, at(1)).drift == mins(-5)


def test_while_paused_the_segment_clock_stops_and_drift_grows() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.PAUSED, 2))
    early, late = clock(d, T0, at(5)), clock(d, T0, at(15))
    assert early.elapsed == late.elapsed == mins(2)
    assert early.left == late.left == mins(8)
    assert early.drift == mins(3) and late.drift == mins(13)


def test_between_segments_the_finish_is_now_plus_what_remains() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.ENDED, 10, "a"))
    assert clock(d, T0, at(20)).drift == mins(10)
    # A session begun early (its first segment skipped) is projected from now, not from the planned start.
    d = run(step(K.SKIPPED, -20, "a"), step(K.STARTED, -20, "b"), step(K.ENDED, -10, "b"))
    c = clock(d, T0, at(-10))
    assert c.projected_end == at(0) and c.drift == mins(-40)


def test_after_the_last_segment_the_finish_is_when_it_ended() -> None:
    d = run(step(K.STARTED, 0, "a"), step(K.STARTED, 10, "b"), step(K.STARTED, 30, "c"), step(K.STARTED, 35, "d"),
            step(K.ENDED, 42, "d"))
    c = clock(d, T0, at(42))
    assert c.projected_end == at(42) and c.drift == mins(2)


# --- which steps make sense ---------------------------------------------------------------------------------------

RUNNING = [step(K.STARTED, 0, "a")]


@pytest.mark.parametrize("log, kind, segment, detail, message", [
    ([*RUNNING, step(K.PAUSED, 1)], K.PAUSED, None, {}, "already paused"),
    (RUNNING, K.RESUMED, None, {}, "not paused"),
    ([], K.RESUMED, None, {}, "not paused"),
    ([], K.ENDED, None, {}, "no segment is running"),
    ([], K.PAUSED, None, {}, "no segment is running"),
    ([], K.EXTENDED, None, {"minutes": 5}, "no segment is running"),
    ([step(K.STARTED, 0, "a"), step(K.ENDED, 5, "a")], K.ENDED, "a", {}, "no segment is running"),
    (RUNNING, K.ENDED, "b", {}, "not running"),
    (RUNNING, K.EXTENDED, "b", {"minutes": 5}, "not running"),
    ([], K.STARTED, None, {}, "which segment"),
    (RUNNING, K.SKIPPED, "a", {}, "not been run"),  # running now
    ([step(K.STARTED, 0, "a"), step(K.ENDED, 5, "a")], K.SKIPPED, "a", {}, "not been run"),
    ([], K.SKIPPED, None, {}, "not been run"),
    (RUNNING, K.EXTENDED, None, {"minutes": 0}, "1 to 60"),
    (RUNNING, K.EXTENDED, None, {"minutes": 61}, "1 to 60"),
    (RUNNING, K.EXTENDED, None, {"minutes": -5}, "1 to 60"),
    (RUNNING, K.EXTENDED, None, {}, "1 to 60"),
    (RUNNING, K.EXTENDED, None, {"minutes": True}, "1 to 60"),
    (RUNNING, K.EXTENDED, None, {"minutes": 2.5}, "1 to 60"),
    (RUNNING, K.EXTENDED, None, {"minutes": "5"}, "1 to 60"),
    (RUNNING, K.EXTENDED, None, {"minutes": "lots"}, "1 to 60"),
    ([], K.TALLY, "b", {"item": 0, "counts": [3, -1]}, "whole numbers"),
    ([], K.TALLY, "b", {"item": 0, "counts": [3, True]}, "whole numbers"),
    ([], K.TALLY, "b", {"item": 0, "counts": [3, 10_001]}, "whole numbers"),
    ([], K.TALLY, "b", {"item": 0, "counts": []}, "whole numbers"),
    ([], K.TALLY, "b", {"item": 0}, "whole numbers"),
    ([], K.TALLY, "b", {"item": 0, "counts": [1.5, 2]}, "whole numbers"),
    ([], K.TALLY, "b", {"item": 0, "counts": "12"}, "whole numbers"),
    ([], K.TALLY, "b", {"counts": [1, 2]}, "which vote"),
    ([], K.TALLY, "b", {"item": -1, "counts": [1, 2]}, "which vote"),
    ([], K.REVEALED, "b", {}, "which vote"),
    ([], K.NOTE, "b", {}, "note"),
    ([], K.NOTE, "b", {"text": "   "}, "note"),
    ([], K.ROLES, "b", {"round": 1}, "role"),
    ([], K.ROLES, "b", {"round": 1, "groups": [{"players": [["Speaker"]]}]}, "role"),
])
def test_steps_that_make_no_sense_are_refused(log: list[Step], kind: DeliveryKind, segment: str | None,
                                               detail: Mapping[str, Any], message: str) -> None:
    with pytest.raises(DeliveryError, match=message):
        check_step(run(*log), kind, segment, detail)


@pytest.mark.parametrize("log, kind, segment, detail", [
    ([], K.STARTED, "a", {}),
    (RUNNING, K.ENDED, "a", {}),
    (RUNNING, K.ENDED, None, {}),
    (RUNNING, K.PAUSED, None, {}),
    ([*RUNNING, step(K.PAUSED, 1)], K.RESUMED, None, {}),
    ([*RUNNING, step(K.PAUSED, 1)], K.ENDED, "a", {}),
    (RUNNING, K.EXTENDED, None, {"minutes": 1}),
    (RUNNING, K.EXTENDED, "a", {"minutes": 60}),
    (RUNNING, K.SKIPPED, "b", {}),
    ([], K.TALLY, "b", {"item": 0, "counts": [0, 10_000]}),
    ([], K.REVEALED, "b", {"item": 0}),
    ([], K.NOTE, "b", {"text": "good questions"}),
])
def test_steps_that_make_sense_pass(log: list[Step], kind: DeliveryKind, segment: str | None,
                                    detail: Mapping[str, Any]) -> None:
    check_step(run(*log), kind, segment, detail)


# --- role-plays ---------------------------------------------------------------------------------------------------

SPEAKER, COWORKER, OBSERVER = Role("Speaker"), Role("Coworker"), Role("Observer")
TARGET, WITNESS = Role("Target", volunteer_only=True), Role("Witness", volunteer_only=True)


@st.composite
def role_lists(draw: st.DrawFn) -> list[Role]:
    plain = [Role(f"part-{i}") for i in range(draw(st.integers(0, 3)))]
    keen = [Role(f"volunteer-part-{i}", volunteer_only=True) for i in range(draw(st.integers(0, 2)))]
    roles = draw(st.permutations(plain + keen))
    return roles if roles else [Role("only-part")]


@given(size=st.integers(0, 60), roles=role_lists(), observers=st.integers(0, 2), seed=st.integers(0, 2**32),
       data=st.data())
def test_everyone_present_is_placed_once_and_parts_are_filled(size: int, roles: list[Role], observers: int,
                                                              seed: int, data: st.DataObject) -> None:
    people = [f"p{i:02d}" for i in range(size)]
    opted_out = data.draw(st.sets(st.sampled_from(people)) if people else st.just(set()))
    volunteers = data.draw(st.sets(st.sampled_from(people)) if people else st.just(set()))
    # Names of people not in the room are ignored.
    out_arg, keen_arg = [*opted_out, "gone-home"], [*volunteers, "not-here"]
    can_play = size - len(opted_out)
    needed = max(1, sum(not r.volunteer_only for r in roles))
    if can_play < needed:
        with pytest.raises(DeliveryError, match=f"{can_play} (people|person) can play"):
            assign_roles(people, roles, random.Random(seed), observers_per_group=observers, opted_out=out_arg,
                         volunteers=keen_arg)
        return
    result = assign_roles(people, roles, random.Random(seed), observers_per_group=observers,
                          opted_out=iter(out_arg), volunteers=iter(keen_arg))
    assert result.round == 1 and result.groups
    placed = [p for g in result.groups for p in g.people]
    assert Counter(placed) == Counter(people)  # everyone once, nobody else
    for group in result.groups:
        assert [r for r, _ in group.players] == [r.name for r in roles]
        for role, (_, person) in zip(roles, group.players, strict=True):
            if role.volunteer_only:
                assert person is None or (person in volunteers and person not in opted_out)
            else:
                assert person is not None and person not in opted_out
        assert not set(group.observers) & opted_out
        assert set(group.watchers) <= opted_out
    sizes = [len(g.people) for g in result.groups]
    assert max(sizes) - min(sizes) <= 1
    assert assign_roles(people, roles, random.Random(seed), observers_per_group=observers, opted_out=out_arg,
                        volunteers=keen_arg) == result  # the same seed, the same groups


def test_too_few_people_to_play_is_refused_with_a_way_out() -> None:
    with pytest.raises(DeliveryError, match=r"2 people can play, but each group needs at least 3.*volunteers"):
        assign_roles(["p1", "p2", "p3"], [SPEAKER, COWORKER, OBSERVER], random.Random(1), opted_out=["p3"])
    with pytest.raises(DeliveryError, match="0 people can play, but each group needs at least 1"):
        assign_roles(["p1"], [TARGET], random.Random(1), opted_out=["p1"])
    with pytest.raises(DeliveryError, match="at least one role"):
        assign_roles(["p1", "p2"], [], random.Random(1))


def test_volunteers_take_the_volunteer_only_parts_and_otherwise_a_chair_is_empty() -> None:
    people = [f"p{i}" for i in range(8)]
    result = assign_roles(people, [SPEAKER, TARGET], random.Random(3), volunteers=["p5"])
    assert len(result.groups) == 4
    targets = [dict(g.players)["Target"] for g in result.groups]
    assert Counter(targets) == Counter({None: 3, "p5": 1})
    assert all(dict(g.players)["Speaker"] is not None for g in result.groups)


def test_a_volunteer_needed_for_an_ordinary_part_is_not_kept_for_a_volunteer_only_one() -> None:
    result = assign_roles(["p1", "p2"], [SPEAKER, COWORKER, TARGET], random.Random(0), volunteers=["p1", "p2"])
    (group,) = result.groups
    assert dict(group.players)["Target"] is None
    assert {dict(group.players)["Speaker"], dict(group.players)["Coworker"]} == {"p1", "p2"}


def test_those_who_opt_out_watch_and_are_never_cast() -> None:
    people = [f"p{i}" for i in range(10)]
    result = assign_roles(people, [SPEAKER, COWORKER, OBSERVER], random.Random(5), opted_out=["p0", "p1", "p2"],
                          volunteers=["p0"])
    assert sorted(w for g in result.groups for w in g.watchers) == ["p0", "p1", "p2"]
    later = result
    for _ in range(5):
        later = rotate_roles(later, [SPEAKER, COWORKER, OBSERVER])
        assert sorted(w for g in later.groups for w in g.watchers) == ["p0", "p1", "p2"]


def test_different_seeds_can_give_different_groups() -> None:
    people = [f"p{i}" for i in range(12)]
    results = {assign_roles(people, [SPEAKER, COWORKER], random.Random(s)) for s in range(10)}
    assert len(results) > 1


@given(size=st.integers(1, 40), roles=role_lists(), observers=st.integers(0, 2), seed=st.integers(0, 2**32),
       data=st.data())
def test_rotation_gives_everyone_in_a_rotating_seat_every_part_once(size: int, roles: list[Role], observers: int,
                                                                    seed: int, data: st.DataObject) -> None:
    people = [f"p{i:02d}" for i in range(size)]
    opted_out = data.draw(st.sets(st.sampled_from(people), max_size=size // 3))
    volunteers = data.draw(st.sets(st.sampled_from(people)))
    try:
        first = assign_roles(people, roles, random.Random(seed), observers_per_group=observers, opted_out=opted_out,
                             volunteers=volunteers)
    except DeliveryError:
        return
    fixed = {r.name for r in roles if r.volunteer_only}
    rotating_parts = [r.name for r in roles if not r.volunteer_only]
    rounds = [first]
    longest = max(len(rotating_parts) + len(g.observers) for g in first.groups)
    for _ in range(longest * 2):
        rounds.append(rotate_roles(rounds[-1], roles))
    assert [r.round for r in rounds] == list(range(1, len(rounds) + 1))
    for g, group in enumerate(first.groups):
        seats = [p for r, p in group.players if r not in fixed] + list(group.observers)
        span = [r.groups[g] for r in rounds[:len(seats)]]
        for person in seats:
            played = [dict(round_.players)[part] for round_ in span for part in rotating_parts].count(person)
            assert played == len(rotating_parts)  # every rotating part once over len(seats) rounds
            for part in rotating_parts:
                assert sum(dict(round_.players)[part] == person for round_ in span) == 1
        for later in (r.groups[g] for r in rounds):
            assert later.watchers == group.watchers
            assert [(r, p) for r, p in later.players if r in fixed] == [(r, p) for r, p in group.players if r in fixed]
            assert sorted(later.people) == sorted(group.people)
        assert rounds[len(seats)].groups[g] == group  # and round len(seats)+1 is round 1 again


def test_a_rotation_moves_everyone_one_seat_along() -> None:
    first = RoleAssignment(1, (RoleGroup((("Speaker", "a"), ("Target", "v"), ("Coworker", "b")), ("c",), ("w",)),))
    second = rotate_roles(first, [SPEAKER, TARGET, COWORKER])
    assert second == RoleAssignment(2, (RoleGroup((("Speaker", "c"), ("Target", "v"), ("Coworker", "a")), ("b",),
                                                  ("w",)),))


# --- what the room may see ---------------------------------------------------------------------------------------

def test_shares_and_the_description_of_a_tally() -> None:
    assert shares([3, 1]) == (0.75, 0.25)
    assert shares([0, 0, 0]) == (0.0, 0.0, 0.0)
    assert describe_tally(["Report it", "Ignore it"], [12, 3]) == "Report it 12, Ignore it 3"
