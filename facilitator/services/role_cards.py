"""Printing a role-play's private role cards, observer checklists and opt-out sheet for one session.

With parts assigned in the console, each card names who plays it in the latest round and which group they are
in; before that, a blank set per expected group is printed for the trainer to hand out by choice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from facilitator.documents.role_cards import ObserverGuide, RoleCard, RoleCardSet, render_role_cards
from facilitator.domain.delivery import RoleAssignment
from facilitator.domain.segment_kinds import Panel, rules
from facilitator.i18n import _, ngettext
from facilitator.services.delivery import names_by_token, people_present, session_run
from facilitator.services.errors import UserError
from facilitator.services.files import ensure_folder, output_target, save
from facilitator.services.rendering import OutputResult, render
from facilitator.services.settings import load_settings
from facilitator.services.workspace import Workspace


def make_role_cards(ws: Workspace, session_id: str, segment_id: str, out: Path, *,
                    paper: str | None = None, force: bool = False) -> OutputResult:
    """A PDF of the role-play's cards (named, if parts are assigned), observer sheets and opt-out sheet. A file
    there that Facilitator did not write is replaced only with `force` (the app's save dialog has asked)."""
    run = session_run(ws, session_id)
    try:
        segment = run.segment(segment_id)
    except KeyError:
        raise UserError(_("session {session}'s workshop has no segment '{segment}'").format(
            session=run.session_id, segment=segment_id)) from None
    if rules(segment.type).panel is not Panel.ROLES:
        raise UserError(_("segment '{segment}' is not a role-play").format(segment=segment_id))
    rounds = run.delivery.run_of(segment_id).role_rounds
    if rounds:
        cards, observers = _named(segment, rounds[-1], names_by_token(ws, run.session_id))
    else:
        cards, observers = _blank(segment, _expected_groups(ws, run.session_id, segment))
    data = RoleCardSet(workshop_title=run.title, segment_title=segment.title, rounds=segment.rounds,
                       round_minutes=segment.round_minutes, cards=tuple(cards),
                       observer_checklist=tuple(segment.observer_checklist), opt_out=segment.opt_out,
                       observers=tuple(observers), content_warning=segment.content_warning,
                       **_observer_teaching(ws, run.workshop.id, segment))
    target = output_target(ws, out, force=force)
    pdf = render(lambda buffer: render_role_cards(data, buffer, paper or load_settings(ws).paper))
    save(ensure_folder(target.parent) / target.name, pdf)
    if rounds:
        groups = len(rounds[-1].groups)
        named = ngettext("round {round}, {count} group", "round {round}, {count} groups", groups).format(
            round=rounds[-1].round, count=groups)
    else:
        named = _("blank, to hand out")
    return OutputResult(out, [out], _("Wrote the role cards ({which}) to {path}").format(which=named, path=out))


def role_play_segments(ws: Workspace, session_id: str) -> list[str]:
    """The ids of the session's role-play segments, in the workshop's order."""
    return [s.id for s in session_run(ws, session_id).workshop.segments if rules(s.type).panel is Panel.ROLES]


def make_all_role_cards(ws: Workspace, session_id: str, folder: Path, *, force: bool = False) -> list[Path]:
    """Every role-play's cards into `folder`, one file each (role-cards-SEGMENT.pdf): named where parts were
    assigned, blank to hand out otherwise. None for a workshop without a role-play."""
    return [make_role_cards(ws, session_id, segment, folder / f"role-cards-{segment}.pdf", force=force).path
            for segment in role_play_segments(ws, session_id)]


def _observer_teaching(ws: Workspace, workshop_id: str, segment: Any) -> dict[str, Any]:
    """The workshop file's guide for observers (the five Ds, say) and its advice on feedback, in its own words.

    A session planned before workshop files carried these has a frozen copy with neither: its handouts take them
    from the library's copy of the same segment, so they read as they always did."""
    source = segment
    if segment.observer_guide is None and not segment.feedback_advice and segment.observer_focus is None:
        current = ws.library.workshops.get(workshop_id)
        same = [s for s in (current.segments if current else ()) if s.id == segment.id and s.type == segment.type]
        source = same[0] if same else segment
    guide = source.observer_guide
    return {"observer_guide": ObserverGuide(guide.title, tuple((p.name, p.text) for p in guide.points))
            if guide else None, "feedback_advice": tuple(source.feedback_advice),
            "observer_focus": source.observer_focus or ""}


def _is_observer(role: str) -> bool:
    return "observer" in role.casefold()


def _named(segment: Any, assignment: RoleAssignment, names: dict[str, str]
           ) -> tuple[list[RoleCard], list[tuple[str | None, int | None]]]:
    texts = {r.name: (r.card, r.volunteer_only) for r in segment.roles}
    cards, observers = [], []
    for number, group in enumerate(assignment.groups, start=1):
        for role, who in group.players:
            name = names.get(who, who) if who else None
            cards.append(RoleCard(role, texts[role][0], name, number, texts[role][1]))
            if _is_observer(role):
                observers.append((name, number))
        observers += [(names.get(p, p), number) for p in group.observers + group.watchers]
    return cards, observers


def _expected_groups(ws: Workspace, session_id: str, segment: Any) -> int:
    size = len(segment.roles) + segment.observers_per_group
    return max(1, len(people_present(ws, session_id)) // size)


def _blank(segment: Any, groups: int) -> tuple[list[RoleCard], list[tuple[str | None, int | None]]]:
    cards = [RoleCard(r.name, r.card, None, g, r.volunteer_only) for g in range(1, groups + 1) for r in segment.roles]
    return cards, [(None, g) for g in range(1, groups + 1)]
