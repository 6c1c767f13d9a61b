"""The step the presenter was on, kept so a console reopened after a crash or a restart resumes there rather than
at step 1 of the segment (the segment itself comes from the delivery log).

It is a convenience, not part of the record: a small JSON file in the data folder, one entry per session, written
whole each time. A missing or damaged file means step 1, as before, and is never an error for the trainer.
"""

from __future__ import annotations

import json
import logging

from facilitator import paths
from facilitator.files import read_bounded, write_atomically
from facilitator.services.workspace import Workspace

log = logging.getLogger(__name__)
MAX_BYTES = 256 * 1024  # a few thousand sessions' steps: a larger file is not ours
KEPT = 200  # sessions remembered; the oldest are forgotten first


def saved_step(ws: Workspace, session_id: str, segment_id: str | None) -> int:
    """The step the console was on in `segment_id` of the session, or 0 (its first) if none is kept for it."""
    entry = _read(ws).get(session_id)
    if not isinstance(entry, dict) or entry.get("segment") != segment_id or segment_id is None:
        return 0
    step = entry.get("step")
    return step if isinstance(step, int) and step >= 0 else 0


def save_step(ws: Workspace, session_id: str, segment_id: str | None, step: int) -> None:
    """Keep the console's step in the running segment; nothing is kept between segments."""
    steps = _read(ws)
    if steps.get(session_id) == {"segment": segment_id, "step": step}:
        return
    steps.pop(session_id, None)
    steps[session_id] = {"segment": segment_id, "step": step}
    kept = dict(list(steps.items())[-KEPT:])
    try:
        write_atomically(paths.presenter_file(ws.data_dir), json.dumps(kept).encode("utf-8"), private=True)
    except OSError as error:  # a full disk: the console still works; a reopened one starts at step 1
        log.warning("the presenter's step could not be kept: %s", error)


def stamp(ws: Workspace) -> tuple[int, int] | None:
    """When and how large the kept steps last were: a console compares it to notice a step taken elsewhere (the
    command line's `run SESSION step`). None while nothing is kept."""
    try:
        info = paths.presenter_file(ws.data_dir).stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _read(ws: Workspace) -> dict[str, object]:
    path = paths.presenter_file(ws.data_dir)
    if not path.exists():
        return {}
    try:
        data = json.loads(read_bounded(path, MAX_BYTES).decode("utf-8"))
    except (OSError, ValueError) as error:
        log.warning("the presenter's steps could not be read (%s); starting from step 1", error)
        return {}
    return data if isinstance(data, dict) else {}
