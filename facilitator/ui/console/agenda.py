"""The console's agenda and clock: the agenda table with planned and actual times, and the words for the time
left, how far the session is ahead of or behind its plan, which step of a segment is showing and what comes next.

Nothing here records or shows anything by itself: the console puts these words and this model on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication

from facilitator.domain.delivery import Clock, RunState, SegmentRun, planned_starts
from facilitator.domain.segment_kinds import Stage, kind_label, stage_word
from facilitator.domain.times import clock as clock_text
from facilitator.i18n import N_, _
from facilitator.services.delivery import SessionRun
from facilitator.ui.models import Column, Index, RowsModel

STATE_NAMES = {RunState.WAITING: "", RunState.RUNNING: N_("▶ now"), RunState.PAUSED: N_("paused"),
               RunState.DONE: N_("done"), RunState.SKIPPED: N_("skipped")}
TIMER_COLOURS = {"ok": "#1b5e20", "warning": "#8a5300", "over": "#b71c1c", "idle": "#37474f"}


def mmss(delta: timedelta) -> str:
    """'4:05', or '-1:20' when over time."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def drift_text(drift: timedelta) -> str:
    minutes = round(drift.total_seconds() / 60)
    if minutes == 0:
        return _("On plan")
    if minutes > 0:
        return _("{minutes} min behind plan").format(minutes=minutes)
    return _("{minutes} min ahead of plan").format(minutes=-minutes)


def timer_text(c: Clock, paused: bool) -> tuple[str, str]:
    """What the big timer says, and which of TIMER_COLOURS it is shown in."""
    if c.segment is None:
        text, colour = "—:—", "idle"
    else:
        text = _("{time} over").format(time=mmss(-c.left)) if c.over else _("{time} left").format(time=mmss(c.left))
        colour = "over" if c.over else "warning" if c.warning else "ok"
    if paused:
        text = _("{timer} · paused").format(timer=text)
    return text, colour


def plan_text(c: Clock) -> str:
    """Ahead of or behind the plan, and when the session will end at this pace."""
    return _("{drift} · ends {end} (planned {planned})").format(
        drift=drift_text(c.drift), end=clock_text(c.projected_end, "—"), planned=clock_text(c.planned_end, "—"))


def next_text(run: SessionRun, steps: list[Stage], index: int) -> str:
    """What Page Down does next: the segment's next step, the next segment, or the end."""
    d = run.delivery
    following = d.next_up
    if d.current_run is not None and index + 1 < len(steps):
        step = steps[index + 1]
        then = following.segment.title if following else _("the end")
        return _("Page Down: {step} (then next: {then})").format(step=stage_word(step.name).lower(), then=then)
    if following is not None:
        return _("Page Down: next segment, {title} ({minutes} min)").format(title=following.segment.title,
                                                                             minutes=following.segment.minutes)
    return _("Page Down: end of the session") if d.current_run is not None else ""


def now_title(run: SessionRun) -> str:
    """The running segment and its kind, or what to do when none is running."""
    d = run.delivery
    current = d.current_run
    if current is not None:
        return f"{current.segment.title} · {kind_label(current.segment.kind)}"
    if d.finished:
        return _("Finished: every segment has been run or skipped")
    return _("Not running. Press Page Down to start the next segment.")


@dataclass(frozen=True)
class AgendaRow:
    number: int
    run: SegmentRun
    planned_start: datetime
    state: RunState
    elapsed: timedelta

    @property
    def actual_minutes(self) -> str:
        return str(round(self.elapsed.total_seconds() / 60)) if self.run.spans else ""


def agenda_rows(run: SessionRun, now: datetime) -> list[AgendaRow]:
    """Every segment of the session with its planned start, its state and the time it has taken so far."""
    d = run.delivery
    starts = planned_starts([r.segment for r in d.runs], run.planned_start)
    return [AgendaRow(i + 1, r, starts[i], r.state(d.paused_since),
                      r.elapsed(now, d.paused_since if r.segment.id == d.current else None))
            for i, r in enumerate(d.runs)]


def _state_name(state: RunState) -> str:
    name = STATE_NAMES[state]
    return _(name) if name else ""


AGENDA = [Column[AgendaRow](N_("#"), lambda r: r.number, align_right=True),
          Column[AgendaRow](N_("Planned"), lambda r: clock_text(r.planned_start, "—")),
          Column[AgendaRow](N_("Segment"), lambda r: r.run.segment.title),
          Column[AgendaRow](N_("Kind"), lambda r: kind_label(r.run.segment.kind)),
          Column[AgendaRow](N_("Min"), lambda r: r.run.segment.minutes + r.run.extra_minutes, align_right=True),
          Column[AgendaRow](N_("Started"), lambda r: clock_text(r.run.started_at, "—") if r.run.spans else ""),
          Column[AgendaRow](N_("Ended"), lambda r: clock_text(r.run.ended_at, "—") if r.run.ended_at else ""),
          Column[AgendaRow](N_("Took"), lambda r: r.actual_minutes, align_right=True),
          Column[AgendaRow]("", lambda r: _state_name(r.state))]


FONT_ROLE, FOREGROUND_ROLE = int(Qt.ItemDataRole.FontRole), int(Qt.ItemDataRole.ForegroundRole)


class AgendaModel(RowsModel[AgendaRow]):
    """The agenda with planned and actual times; the running segment in bold, finished ones greyed."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if role in (FONT_ROLE, FOREGROUND_ROLE) and index.isValid() and 0 <= index.row() < self.rowCount():
            state = self.row(index.row()).state
            if role == FONT_ROLE and state in (RunState.RUNNING, RunState.PAUSED):
                font = QFont()
                font.setBold(True)
                return font
            if role == FOREGROUND_ROLE and state in (RunState.DONE, RunState.SKIPPED):
                return QGuiApplication.palette().placeholderText()
        return super().data(index, role)
