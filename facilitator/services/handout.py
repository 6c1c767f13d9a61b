"""The attendees' hand-out for a session, "Where to get help": the agencies of the session's jurisdictions from
the library's contact list (sessions/agencies.yaml), and the routes inside the organisation to fill in."""

from __future__ import annotations

from pathlib import Path

from facilitator.documents.help_sheet import HelpSheet, render_help_sheet
from facilitator.i18n import _, ngettext
from facilitator.services.delivery import session_run
from facilitator.services.files import ensure_folder, output_target, save
from facilitator.services.rendering import OutputResult, render
from facilitator.services.settings import load_settings
from facilitator.services.workspace import Workspace


def make_handout(ws: Workspace, session_id: str, out: Path, *, paper: str | None = None,
                 force: bool = False) -> OutputResult:
    """Write the hand-out PDF to `out`. A file there that Facilitator did not write is replaced only with
    `force`. It may be printed at any time, before the session or after it is sealed: it records nothing."""
    run = session_run(ws, session_id)
    settings = load_settings(ws)
    data = HelpSheet(workshop_title=run.title, session_date=run.planned_start.date().isoformat(),
                     organisation=settings.organisation, contacts=run.contacts)
    target = output_target(ws, out, force=force, example="where-to-get-help.pdf")
    pdf = render(lambda buffer: render_help_sheet(data, buffer, paper or settings.paper))
    save(ensure_folder(target.parent) / target.name, pdf)
    agencies = ngettext("{n} agency", "{n} agencies", len(run.contacts)).format(n=len(run.contacts))
    return OutputResult(target, [target], _("Wrote the hand-out (where to get help, {agencies}) to {path}").format(
        agencies=agencies, path=target))
