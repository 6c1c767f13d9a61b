"""The companion's pages: complete, plain HTML5 documents, made safe by construction.

Every value put into a page is escaped with `html.escape`, unless it is `Markup`, which only the helpers here
make (from escaped values and their own fixed templates). So a name typed on one phone can never become markup
on another. Pages need no JavaScript and link one small style sheet (`static/companion.css`); they must work
in a five-year-old phone browser.

    say = speaker(request)                      # the phone's language (language.py)
    body = form("/checkin", tokens.issue("checkin"), text_field("who", say(N_("Your name or employee id"))),
                submit=say(N_("Find me")))
    return page(say(N_("Check in")), body, lang=say.code)

Every text a person reads comes from the caller, in the phone's language; `lang` says which (the laptop's when
not given).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from string import Template

from aiohttp import web

from facilitator import i18n
from facilitator.companion.tokens import FIELD

STYLESHEET = "/static/companion.css"

_DOCUMENT = Template("""<!DOCTYPE html>
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>$title</title>
<link rel="stylesheet" href="$stylesheet">
</head>
<body>
<main>
<h1>$heading</h1>
$body</main>
</body>
</html>
""")  # not user text: the frame every page's words go in
_FORM = Template('<form method="post" action="$action" accept-charset="utf-8">\n'
                 '<input type="hidden" name="$field" value="$token">\n$fields$submit</form>\n')
_SUBMIT = Template('<button type="submit" class="primary">$label</button>\n')
_TEXT = Template('<label for="$name">$label</label>\n'
                 '<input type="text" id="$name" name="$name" value="$value" maxlength="$maxlength" '
                 'autocomplete="$autocomplete" autocapitalize="$autocapitalize" spellcheck="false"$required>\n')
_HIDDEN = Template('<input type="hidden" name="$name" value="$value">\n')
_CHOICE = Template('<button type="submit" name="$name" value="$value" class="choice">$label</button>\n')
_CHECKBOX = Template('<label class="tick"><input type="checkbox" name="$name" value="yes"$required> '
                     '$label</label>\n')
_PARAGRAPH = Template('<p>$text</p>\n')
_LINK = Template('<p><a class="button" href="$href">$label</a></p>\n')


class Markup(str):
    """HTML that is safe as it is: made only by the helpers of this module."""

    __slots__ = ()


def escape(value: object) -> Markup:
    """`value` as text in HTML (quotes too, for attributes); Markup stays as it is."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def render(template: Template, **values: object) -> Markup:
    """`template` filled in with every value escaped (Markup values as they are)."""
    return Markup(template.substitute({name: escape(value) for name, value in values.items()}))


def join(parts: Iterable[Markup]) -> Markup:
    """Pieces of markup one after the other."""
    return Markup("".join(escape(part) for part in parts))


def document(title: str, body: Markup, *, heading: str | None = None, lang: str | None = None) -> str:
    """A complete HTML5 page: `title` in the tab and as its heading (unless `heading` says otherwise)."""
    return render(_DOCUMENT, lang=lang or i18n.language(), title=title,
                  heading=title if heading is None else heading, stylesheet=STYLESHEET, body=body)


def page(title: str, body: Markup, *, status: int = 200, heading: str | None = None,
         lang: str | None = None) -> web.Response:
    """`document` as a response (UTF-8 HTML; the guard adds the security headers)."""
    return web.Response(text=document(title, body, heading=heading, lang=lang), status=status,
                        content_type="text/html", charset="utf-8")


def paragraph(text: str) -> Markup:
    return render(_PARAGRAPH, text=text)


def link(href: str, label: str) -> Markup:
    """A link that looks like a button: the way on from a message ("Start again")."""
    return render(_LINK, href=href, label=label)


def message_page(title: str, message: str, *, status: int = 200, next_step: tuple[str, str] | None = None,
                 lang: str | None = None) -> web.Response:
    """A page that says one thing, for refusals and confirmations ("This code has expired — scan the code on
    the screen again"), with a link on (`(href, label)`) where there is somewhere to go."""
    body = paragraph(message)
    if next_step:
        body = join([body, link(*next_step)])
    return page(title, body, status=status, lang=lang)


def form(action: str, token: str, fields: Markup, *, submit: str | None = None) -> Markup:
    """A POST form to `action` carrying the one-time `token` (from `FormTokens.issue`): `fields`, then a
    submit button labelled `submit` (none where the fields are buttons themselves, as `choices` makes)."""
    button = render(_SUBMIT, label=submit) if submit else Markup()
    return render(_FORM, action=action, field=FIELD, token=token, fields=fields, submit=button)


def text_field(name: str, label: str, *, value: str = "", required: bool = False, maxlength: int = 200,
               autocomplete: str = "off", autocapitalize: str = "words") -> Markup:
    """A labelled one-line text box; the browser's own checks (`required`, `maxlength`) only help the person,
    the handler checks again."""
    return render(_TEXT, name=name, label=label, value=value, maxlength=maxlength, autocomplete=autocomplete,
                  autocapitalize=autocapitalize, required=Markup(" required") if required else Markup())


def hidden_field(name: str, value: str) -> Markup:
    return render(_HIDDEN, name=name, value=value)


def checkbox(name: str, label: str, *, required: bool = False) -> Markup:
    """A tick box sending `name=yes` when ticked (an acknowledgment where the law allows a tick)."""
    return render(_CHECKBOX, name=name, label=label, required=Markup(" required") if required else Markup())


def choices(name: str, options: Sequence[tuple[str, str]]) -> Markup:
    """One large button per `(value, label)`, each sending the form with `name=value`: one tap to vote."""
    return join(render(_CHOICE, name=name, value=value, label=label) for value, label in options)

