"""The pages a phone in the room sees (docs/companion.md): join with the code on the screen, check in (or ask to
be added), sign the acknowledgment where the law asks for one, answer the question on screen, ask a question and
give feedback. Every write is a service call, run off the server's loop (`asyncio.to_thread`) as the desk's
operations run off the window's.

A phone needs the room pass (room_pass.py), got only by opening a fresh join code. Each form carries a one-time
token (tokens.py); the check-in confirm form's token names the roster entry it was shown for, so a phone can
confirm only someone its own search found. One pass (one scan of the screen) checks in one person, signs only for
them, asks for one walk-in and sends at most QUESTIONS_PER_PASS questions. Votes and feedback spend a ballot made
from the pass and the question (room_pass.ballot; services/phone_votes.py): the phone cannot choose another, and
the store, which keeps only the ballot's hash, cannot tie one phone's answers together.

Every page is in the phone's language (language.py): its browser's, or the person's own from the roster once the
confirm and sign pages know who they are. So no text here is `_()`, the laptop's language: `say(N_("…"))`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from aiohttp import web

from facilitator.companion import pages, room_pass
from facilitator.companion.guard import FORM_TYPE, issue_token, read_form
from facilitator.companion.language import Speaker, speak_to, speaker
from facilitator.companion.pages import Markup, join
from facilitator.companion.server import CompanionServer
from facilitator.domain import rotation
from facilitator.domain.attendance import Outcome
from facilitator.domain.times import clock as clock_time
from facilitator.i18n import N_, Words
from facilitator.services import audience_questions, companion, phone_votes, sessions
from facilitator.services.attendance import ScanResult
from facilitator.services.errors import UserError
from facilitator.services.workspace import Workspace

Clock = Callable[[], datetime]
# Where a request keeps the pass `_refusal` read: a RequestKey where aiohttp has them (3.14 on), else a name.
_PASS: Any = web.RequestKey("room_pass", room_pass.Pass) if hasattr(web, "RequestKey") else "room_pass"  # not user text
QUESTIONS_PER_PASS = 5  # anonymous questions one scan may send: enough to ask, too few to flood the trainer
COOKIE_OPTIONS: dict[str, Any] = {"httponly": True, "samesite": "Strict", "path": "/"}  # not user text
# What the phone says after a check-in, to the person ("you are"), where the desk says "{name} is already …".
CHECKED_IN = {
    Outcome.CHECKED_IN: N_("Welcome, {name}. You are checked in."),
    Outcome.WELCOME_BACK: N_("Welcome back, {name}. You are checked in again."),
    Outcome.ALREADY_IN: N_("{name}, you are already checked in (since {since})."),
}


class PhonePages:
    """The handlers of one session's companion; `add_to(server)` registers them."""

    def __init__(self, ws: Workspace, session_id: str, clock: Clock | None = None) -> None:
        # The whole id, found once: a shortened one would be looked up again on every request.
        self.ws, self.session_id = ws, sessions.full_id(ws, session_id)
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        self.secret = companion.rotation_secret(ws, self.session_id)  # never changes; read once, not per request
        # What each pass has done, by its random value, in memory only (never stored): whom it checked in, whether
        # it asked for a walk-in, how many questions it sent.
        self.checked_in_by: dict[str, int] = {}
        self.walk_in_asked: set[str] = set()
        self.questions_sent: dict[str, int] = {}

    def add_to(self, server: CompanionServer) -> None:
        for path, handler in (("/", self.welcome), ("/j/{code}", self.join), ("/here", self.home),  # not user text
                              ("/checkin", self.checkin_form), ("/walkin", self.walkin_form),
                              ("/answer", self.answer_form), ("/ask", self.ask_form)):
            server.get(path, handler)
        for path, handler in (("/checkin/find", self.find), ("/checkin/confirm", self.confirm),
                              ("/checkin/sign", self.sign), ("/walkin", self.walkin), ("/answer", self.answer),
                              ("/ask", self.ask)):
            server.post(path, handler)

    # --- joining ----------------------------------------------------------------------------------------------

    async def welcome(self, request: web.Request) -> web.StreamResponse:
        if self._scanned(request) is not None:
            return _see_other("/here")
        say = speaker(request)
        return _scan_again(say, say(N_("Welcome")), status=200)

    async def join(self, request: web.Request) -> web.StreamResponse:
        """The address in the QR code: a fresh code gives the phone its room pass, then the code leaves the
        address bar (so the page cannot be shared by its address either)."""
        now = self.clock()
        if not rotation.accepted(self.secret, request.match_info["code"], now):
            say = speaker(request)
            return _scan_again(say, say(N_("This code has expired")), status=403)
        response = _see_other("/here")
        response.set_cookie(room_pass.COOKIE, room_pass.issue(self.secret, now),
                            max_age=int(room_pass.ROOM_DAY.total_seconds()), **COOKIE_OPTIONS)
        return response

    async def home(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request):
            return refused
        say = speaker(request)
        asked = await asyncio.to_thread(phone_votes.open_question, self.ws, self.session_id)
        links = [pages.link("/checkin", say(N_("Check in")))]
        if asked is not None:
            label = say(N_("Give feedback")) if asked.asking is phone_votes.Asking.FEEDBACK else say(N_(
                "Answer the question on the screen"))
            links.append(pages.link("/answer", label))
        links.append(pages.link("/ask", say(N_("Ask a question anonymously"))))
        intro = pages.paragraph(say(N_("You are connected to the trainer's laptop. Nothing you do here leaves the "
                                       "room.")))
        return pages.page(say(N_("In the room")), join([intro, *links]), lang=say.code)

    # --- checking in ------------------------------------------------------------------------------------------

    async def checkin_form(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request, checking_in=True):
            return refused
        say = speaker(request)
        return pages.page(say(N_("Check in")), self._search_form(request, say), lang=say.code)

    def _search_form(self, request: web.Request, say: Speaker, typed: str = "") -> Markup:
        field = pages.text_field("who", say(N_("Your first and last name, or your employee id")), value=typed,
                                 required=True, maxlength=100)
        return pages.form("/checkin/find", issue_token(request, "find"), field, submit=say(N_("Find me")))

    async def find(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request, checking_in=True):
            return refused
        form = await read_form(request, "find")
        typed = form.get("who", "")[:100]
        found = await asyncio.to_thread(companion.find_on_phone, self.ws, self.session_id, typed)
        say = speaker(request)
        not_listed = pages.link("/walkin", say(N_("I am not on the list")))
        if not found:
            hint = pages.paragraph(say(N_("No one on the list matches that. Type your first and last name as they "
                                          "are on the list, or your employee id.")))
            return pages.page(say(N_("Check in")), join([hint, self._search_form(request, say, typed), not_listed]),
                              lang=say.code)
        choices = [pages.form("/checkin/confirm", issue_token(request, f"confirm:{m.entry_id}"),
                              pages.hidden_field("entry", str(m.entry_id)), submit=say(N_("I am {name}")).format(
                                  name=m.shown_name)) for m in found]
        intro = pages.paragraph(say(N_("Tap your name to check in.")))
        return pages.page(say(N_("Is this you?")), join([intro, *choices, not_listed]), lang=say.code)

    async def confirm(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request, checking_in=True):
            return refused
        entry = _whole((await _peek(request)).get("entry"))
        form = await read_form(request, f"confirm:{entry}")
        if _whole(form.get("entry")) != entry:
            raise _unreadable()
        nonce = self._held(request).nonce
        if self.checked_in_by.setdefault(nonce, entry) != entry:  # set before the await: two taps race here
            say = speaker(request)
            return pages.message_page(say(N_("One person per phone")), say(N_(
                "This phone has already checked someone in. Each person checks in on their own phone, or at the "
                "desk.")), next_step=("/here", say(N_("Back"))), status=403, lang=say.code)
        try:  # one trip to a worker thread, not three: a room of phones queues for those threads
            done = await asyncio.to_thread(companion.check_in_from_phone, self.ws, self.session_id, entry)
        except UserError:
            del self.checked_in_by[nonce]
            found = await asyncio.to_thread(companion.match, self.ws, self.session_id, entry)
            speak_to(request, found.language)  # the refusal in their language
            raise
        say = speak_to(request, done.match.language)  # known now: this page in their language
        result, ack = done.result, done.acknowledgment
        parts = [pages.paragraph(_checked_in(result, say))]
        if ack and (result.accepted or result.outcome is Outcome.ALREADY_IN):
            parts.append(self._sign_form(request, entry, ack, say))
        title = say(N_("Checked in")) if result.accepted else say(N_("Check-in"))
        return pages.page(title, join(parts), lang=say.code)

    def _sign_form(self, request: web.Request, entry: int, text: str, say: Speaker) -> Markup:
        fields = join([pages.paragraph(say(N_("This session's law asks each person to sign this:"))),
                       pages.paragraph(text),
                       pages.hidden_field("entry", str(entry)),
                       pages.text_field("name", say(N_("Sign by typing your full name")), required=True,
                                        maxlength=200)])
        return pages.form("/checkin/sign", issue_token(request, f"sign:{entry}"), fields, submit=say(N_("Sign")))

    async def sign(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request, checking_in=True):
            return refused
        entry = _whole((await _peek(request)).get("entry"))
        form = await read_form(request, f"sign:{entry}")
        if self.checked_in_by.get(self._held(request).nonce) != entry:  # only the person this phone checked in
            raise UserError(Words(N_("Sign on the phone you checked in with, or at the desk.")))
        match = await asyncio.to_thread(companion.match, self.ws, self.session_id, entry)
        say = speak_to(request, match.language)
        await asyncio.to_thread(companion.acknowledge_by_phone, self.ws, self.session_id, entry,
                                form.get("name", "")[:200])
        return pages.message_page(say(N_("Signed")), say(N_("Thank you. Your signed acknowledgment is recorded.")),
                                  next_step=("/here", say(N_("Back"))), lang=say.code)

    async def walkin_form(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request, checking_in=True):
            return refused
        say = speaker(request)
        fields = join([pages.text_field("first", say(N_("First name")), required=True, maxlength=100),
                       pages.text_field("last", say(N_("Last name")), required=True, maxlength=100),
                       pages.text_field("employee", say(N_("Employee id (if you have one)")), maxlength=64,
                                        autocapitalize="none")])
        intro = pages.paragraph(say(N_("The trainer will add you to the list at the desk.")))
        body = pages.form("/walkin", issue_token(request, "walkin"), fields, submit=say(N_("Ask to be added")))
        return pages.page(say(N_("Not on the list")), join([intro, body]), lang=say.code)

    async def walkin(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request, checking_in=True):
            return refused
        form = await read_form(request, "walkin")
        nonce = self._held(request).nonce
        if nonce in self.walk_in_asked:
            raise UserError(Words(N_("This phone has already asked for someone to be added. The trainer will see to "
                                     "it at the desk.")))
        self.walk_in_asked.add(nonce)  # before the await: two taps race here
        try:
            await asyncio.to_thread(partial(companion.ask_to_join, self.ws, self.session_id, form.get("first", ""),
                                            form.get("last", ""), form.get("employee", "").strip() or None,
                                            at=self.clock()))
        except UserError:
            self.walk_in_asked.discard(nonce)  # a name it refused: the phone may ask again, correctly
            raise
        say = speaker(request)
        return pages.message_page(say(N_("Waiting for the trainer")), say(N_(
            "The trainer has your name and will add you at the desk. You are counted from now.")),
            next_step=("/here", say(N_("Back"))), lang=say.code)

    # --- answering, asking ------------------------------------------------------------------------------------

    async def answer_form(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request):
            return refused
        say = speaker(request)
        asked = await asyncio.to_thread(phone_votes.open_question, self.ws, self.session_id)
        if asked is None:
            shown = await asyncio.to_thread(phone_votes.last_results, self.ws, self.session_id)
            if shown is not None:
                return _results_page(shown, say)
            return pages.message_page(say(N_("Nothing to answer")), say(N_(
                "There is no question to answer right now. Look at the screen.")),
                next_step=("/here", say(N_("Back"))), lang=say.code)
        fields = pages.hidden_field("question", asked.key)
        if asked.asking is phone_votes.Asking.FEEDBACK:
            scale = [(str(n), _rating_label(n, asked.scale, say)) for n in range(1, asked.scale + 1)]
            prompt = say(N_("{prompt} (optional)")).format(prompt=asked.prompt) if asked.prompt else say(N_(
                "A comment (optional)"))
            fields = join([fields, pages.text_field("comment", prompt, maxlength=1000, autocapitalize="sentences"),
                           pages.paragraph(asked.question), pages.choices("rating", scale)])
            body = pages.form("/answer", issue_token(request, "answer"), fields,
                              submit=say(N_("Send without a rating")))
        else:
            options = [(str(i), text) for i, text in enumerate(asked.options)]
            body = pages.form("/answer", issue_token(request, "answer"),
                              join([fields, pages.paragraph(asked.question), pages.choices("option", options)]))
        return pages.page(say(N_("Your answer")), body, lang=say.code)

    async def answer(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request):
            return refused
        say = speaker(request)
        form = await read_form(request, "answer")
        segment, _dot, item_text = form.get("question", "").rpartition(".")
        item = _whole(item_text)
        ballot = room_pass.ballot(self.secret, self._held(request), f"{segment}.{item}")
        if "rating" in form or "comment" in form:
            rating = _whole(form["rating"]) if form.get("rating") else None
            await asyncio.to_thread(partial(phone_votes.give_feedback, self.ws, self.session_id, segment, ballot,
                                            rating=rating, comment=form.get("comment", "")))
            thanks = say(N_("Your feedback is in. It is anonymous."))
        else:
            await asyncio.to_thread(phone_votes.cast_vote, self.ws, self.session_id, segment, item,
                                    _whole(form.get("option")), ballot)
            thanks = say(N_("Your answer is counted. The results appear on the screen when the trainer shows "
                            "them."))
        return pages.message_page(say(N_("Thank you")), thanks, next_step=("/here", say(N_("Back"))),
                                  lang=say.code)

    async def ask_form(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request):
            return refused
        say = speaker(request)
        field = pages.text_field("question", say(N_("Your question")), required=True,
                                 maxlength=audience_questions.MAX_QUESTION, autocapitalize="sentences")
        intro = pages.paragraph(say(N_("Your question goes to the trainer without your name. The trainer chooses "
                                       "which questions to show on the screen.")))
        body = pages.form("/ask", issue_token(request, "ask"), field, submit=say(N_("Send")))
        return pages.page(say(N_("Ask a question")), join([intro, body]), lang=say.code)

    async def ask(self, request: web.Request) -> web.StreamResponse:
        if refused := self._refusal(request):
            return refused
        form = await read_form(request, "ask")
        nonce = self._held(request).nonce
        if self.questions_sent.get(nonce, 0) >= QUESTIONS_PER_PASS:
            raise UserError(Words(N_("This phone has sent {count} questions. Scan the code on the screen again to "
                                     "ask more."), count=QUESTIONS_PER_PASS))
        self.questions_sent[nonce] = self.questions_sent.get(nonce, 0) + 1
        await asyncio.to_thread(audience_questions.ask, self.ws, self.session_id, form.get("question", ""))
        say = speaker(request)
        return pages.message_page(say(N_("Question sent")), say(N_("The trainer has your question. Thank you.")),
                                  next_step=("/ask", say(N_("Ask another"))), lang=say.code)

    # --- the room pass ----------------------------------------------------------------------------------------

    def _scanned(self, request: web.Request) -> room_pass.Pass | None:
        return room_pass.read(self.secret, request.cookies.get(room_pass.COOKIE), self.clock())

    def _held(self, request: web.Request) -> room_pass.Pass:
        """The pass `_refusal` read and let through, read once per request."""
        held = request.get(_PASS)
        if not isinstance(held, room_pass.Pass):  # a handler that skipped `_refusal`: a programming error
            raise _unreadable()
        return held

    def _refusal(self, request: web.Request, *, checking_in: bool = False) -> web.Response | None:
        """Only a phone that opened a fresh code may go on (None, its pass kept on the request for `_held`);
        checking in needs one scanned in the last minutes. Otherwise the page that says to scan the code again."""
        held = self._scanned(request)
        if held is None or (checking_in and not held.fresh_enough_to_check_in(self.clock())):
            say = speaker(request)
            return _scan_again(say, say(N_("Scan the code on the screen")), status=403)
        request[_PASS] = held
        return None


def _see_other(where: str) -> web.Response:
    """After a POST or a join, the page to go to (303, so a reload does not send the form again)."""
    return web.Response(status=303, headers={"Location": where})


def _scan_again(say: Speaker, title: str, *, status: int) -> web.Response:
    return pages.message_page(title, say(N_("Scan the QR code on the room's screen with your phone's camera. The "
                                            "code changes every 20 seconds, so scan the one showing now.")),
                              status=status, lang=say.code)


def _checked_in(result: ScanResult, say: Speaker) -> str:
    """What the phone says of a check-in: the desk's outcome in the person's words, by their first name (the
    desk's words use the full name, which a phone was never shown)."""
    person = result.person
    name = (person.first_name or person.last_name) if person else ""
    if result.outcome is Outcome.CHECKED_IN and result.late:
        words = N_("Welcome, {name}. You are checked in (arrived late).")
    else:
        words = CHECKED_IN.get(result.outcome, N_("Your check-in could not be recorded. Ask the trainer at the "
                                                  "desk."))
    return say(words).format(name=name, since=clock_time(result.since))


def _results_page(shown: phone_votes.Results, say: Speaker) -> web.Response:
    """A revealed question's results, as the room saw them: the count of each answer (a total only, for a small
    group), and the right answer of a knowledge check."""
    rows = []
    for i, option in enumerate(shown.options):
        count = "" if shown.counts is None else f" — {shown.counts[i]}"
        mark = say(N_(" (right answer)")) if i in shown.correct else ""
        rows.append(pages.paragraph(f"{option}{mark}{count}"))
    if shown.counts is None:
        rows.append(pages.paragraph(say(N_("Answers in all: {count}, too few to show how many chose each."))
                                    .format(count=shown.total)))
    body = join([pages.paragraph(shown.question), *rows,
                 pages.paragraph(say(N_("There is no question to answer right now. Look at the screen."))),
                 pages.link("/here", say(N_("Back")))])
    return pages.page(say(N_("Results")), body, lang=say.code)


def _rating_label(n: int, scale: int, say: Speaker) -> str:
    """The ends of the scale say which way it runs; the middle is just the number."""
    if n == 1:
        return say(N_("{n} (lowest)")).format(n=n)
    if n == scale:
        return say(N_("{n} (highest)")).format(n=n)
    return str(n)


def _whole(value: object) -> int:
    """A small non-negative whole number from a form, or a UserError (a tampered or broken form)."""
    text = value if isinstance(value, str) else ""
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise _unreadable()
    return int(text)


def _unreadable() -> UserError:
    return UserError(Words(N_("This form could not be checked. Reload the page and try again.")))


async def _peek(request: web.Request) -> Any:
    """The posted fields before the token is checked: only to learn which entry a confirm form names (its token
    is then checked against that entry, so a changed entry fails). A body that is not a form, or not readable as
    one, is refused as `read_form` refuses it."""
    if request.content_type != FORM_TYPE:
        raise web.HTTPUnsupportedMediaType()
    try:
        return await request.post()
    except (UnicodeDecodeError, LookupError):  # bytes that are not UTF-8, or a charset Python does not know
        raise _unreadable() from None

