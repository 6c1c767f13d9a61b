"""The companion's guard: one-time form tokens, the rate limiter (both with a clock the test moves), the safe
page renderer, and the refusals a real server on loopback gives: replayed, forged and expired forms, 413, 415,
429 and a form that is not UTF-8."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from facilitator.companion import pages
from facilitator.companion.guard import MAX_BODY, Guard, RateLimiter
from facilitator.companion.language import MAX_RANGES, MAX_SUBTAGS, Languages
from facilitator.companion.tokens import LIFETIME, FormRefused, FormTokens
from tests.unit.companion_http import ABSURD, FakeClock, counted, demo_server, fetch, post_form, running, token_in

# --- one-time tokens ---------------------------------------------------------------------------------------


def test_a_token_is_good_once_and_then_refused_as_replayed() -> None:
    tokens = FormTokens()
    token = tokens.issue("checkin")
    tokens.spend(token, "checkin")
    with pytest.raises(FormRefused) as refused:
        tokens.spend(token, "checkin")
    assert refused.value.reason == "replayed" and "already sent" in refused.value.message


def test_each_token_is_its_own() -> None:
    tokens = FormTokens()
    first, second = tokens.issue("vote"), tokens.issue("vote")
    assert first != second
    tokens.spend(second, "vote")
    tokens.spend(first, "vote")


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the MAC
    lambda t: "f" + t,  # a later expiry
    lambda t: t.split(".")[0] + "." + "A" * 22 + "." + t.split(".")[2],  # another nonce
    lambda t: "",
    lambda t: "not a token",
    lambda t: t + "." + t,
    lambda t: "x" * 5000,
])
def test_a_forged_or_altered_token_is_refused(tamper) -> None:
    tokens = FormTokens()
    with pytest.raises(FormRefused) as refused:
        tokens.spend(tamper(tokens.issue("checkin")), "checkin")
    assert refused.value.reason == "forged"


def test_a_token_of_another_server_or_another_form_is_refused() -> None:
    ours, theirs = FormTokens(), FormTokens()
    for token, purpose in ((theirs.issue("checkin"), "checkin"), (ours.issue("vote:1"), "vote:2")):
        with pytest.raises(FormRefused) as refused:
            ours.spend(token, purpose)
        assert refused.value.reason == "forged"


def test_a_missing_token_is_refused() -> None:
    with pytest.raises(FormRefused):
        FormTokens().spend(None, "checkin")


def test_a_token_expires_after_its_lifetime() -> None:
    clock = FakeClock()
    tokens = FormTokens(clock=clock)
    kept, late = tokens.issue("checkin"), tokens.issue("checkin")
    clock.advance(LIFETIME - 1)
    tokens.spend(kept, "checkin")  # a slow typist is not turned away
    clock.advance(2)
    with pytest.raises(FormRefused) as refused:
        tokens.spend(late, "checkin")
    assert refused.value.reason == "expired" and "expired" in refused.value.message


def test_spent_tokens_are_forgotten_once_expired_and_still_refused() -> None:
    clock = FakeClock()
    tokens = FormTokens(clock=clock)
    spent = [tokens.issue("q") for _ in range(300)]
    for token in spent:
        tokens.spend(token, "q")
    clock.advance(LIFETIME + 2)
    tokens.spend(tokens.issue("q"), "q")  # a spend past the threshold forgets the expired ones
    assert len(tokens._spent) == 1
    with pytest.raises(FormRefused) as refused:
        tokens.spend(spent[0], "q")
    assert refused.value.reason == "expired"


def test_a_purpose_is_a_short_name() -> None:
    with pytest.raises(ValueError):
        FormTokens().issue("Check in\nnow")


# --- rate limits ------------------------------------------------------------------------------------------


def test_a_client_gets_a_burst_then_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    assert all(limiter.admit("10.0.0.5") == 0 for _ in range(30))
    wait = limiter.admit("10.0.0.5")
    assert wait == pytest.approx(1 / 6)
    assert limiter.admit("10.0.0.6") == 0, "another phone has its own bucket"
    clock.advance(1.0)  # 60 in 10 s: six more each second
    assert [limiter.admit("10.0.0.5") == 0 for _ in range(7)] == [True] * 6 + [False]


def test_over_ten_seconds_a_client_gets_sixty_after_its_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    admitted = 0
    for _ in range(1000):  # a request every 10 ms for 10 s
        admitted += limiter.admit("10.0.0.5") == 0
        clock.advance(0.01)
    assert 30 + 59 <= admitted <= 30 + 60


def test_the_limiter_forgets_idle_clients() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    for n in range(RateLimiter.PRUNE_AT):
        limiter.admit(f"10.0.{n // 250}.{n % 250}")
    clock.advance(10)  # every bucket full again: as if the address had never come
    limiter.admit("10.9.9.9")
    limiter.admit("10.9.9.8")
    assert limiter.tracked() == 2


# --- pages ------------------------------------------------------------------------------------------------


def test_every_value_is_escaped_and_markup_is_not() -> None:
    html = pages.document('<script>alert("x")</script>', pages.paragraph("Tom & 'Jerry' <b>"), lang="en")
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html
    assert "<p>Tom &amp; &#x27;Jerry&#x27; &lt;b&gt;</p>" in html
    field = pages.text_field("who", "Name", value='"><img src=x onerror=alert(1)>')
    assert "<img" not in field and 'value="&quot;&gt;&lt;img' in field


def test_a_page_is_complete_html5_for_a_phone() -> None:
    html = pages.document("Check in", pages.Markup(""), lang="es")
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"es\">")
    for part in ('<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
                 "<title>Check in</title>", '<link rel="stylesheet" href="/static/companion.css">',
                 "<h1>Check in</h1>", "</html>"):
        assert part in html


def test_a_form_carries_its_token_and_posts_to_its_action() -> None:
    markup = pages.form("/checkin", "TOKEN", pages.choices("option", [("a", "Yes"), ("b", "No <sure>")]))
    assert '<form method="post" action="/checkin"' in markup
    assert '<input type="hidden" name="form_token" value="TOKEN">' in markup
    assert '<button type="submit" name="option" value="b" class="choice">No &lt;sure&gt;</button>' in markup
    assert 'class="primary"' not in markup, "no submit button where the choices are the buttons"


def test_a_message_page_has_its_status_and_way_on() -> None:
    response = pages.message_page("Expired", "This code has expired — scan the code on the screen again",
                                  status=410, next_step=("/", "Start again"))
    assert response.status == 410 and response.charset == "utf-8" and response.content_type == "text/html"
    assert '<a class="button" href="/">Start again</a>' in response.text
    assert "This code has expired — scan the code on the screen again" in response.text


# --- through a real server --------------------------------------------------------------------------------


def test_a_form_is_accepted_once_and_its_replay_refused_with_a_page() -> None:
    with running(demo_server()) as server:
        token = token_in(fetch(server, "GET", "/form").text)
        sent = post_form(server, "/form", f"form_token={token}&name=Ana+%C3%A9")
        assert sent.status == 200 and "Hello Ana é" in sent.text
        again = post_form(server, "/form", f"form_token={token}&name=Ana")
        assert again.status == 400 and "already sent" in again.text and "<h1>" in again.text


@pytest.mark.parametrize("fields", ["name=Ana", "form_token=&name=Ana", "form_token=1.AAAA.BBBB&name=Ana"])
def test_a_form_without_a_good_token_is_refused(fields: str) -> None:
    with running(demo_server()) as server:
        refused = post_form(server, "/form", fields)
        assert refused.status == 400 and "could not be checked" in refused.text


def test_an_expired_form_is_refused_with_a_page_that_says_so() -> None:
    clock = FakeClock()
    with running(demo_server(Guard(tokens=FormTokens(clock=clock)))) as server:
        token = token_in(fetch(server, "GET", "/form").text)
        clock.advance(LIFETIME + 1)
        refused = post_form(server, "/form", f"form_token={quote(token)}&name=Ana")
        assert refused.status == 400 and "expired" in refused.text


def test_a_body_that_is_not_a_form_or_not_utf8_is_refused() -> None:
    with running(demo_server()) as server:
        token = token_in(fetch(server, "GET", "/form").text)
        as_json = fetch(server, "POST", "/form", b'{"name": "Ana"}', {"Content-Type": "application/json"})
        assert as_json.status == 415 and "could not be read" in as_json.text
        raw = f"form_token={token}&name=".encode() + b"\xff\xfe\xc3"
        broken = fetch(server, "POST", "/form", raw, {"Content-Type": "application/x-www-form-urlencoded"})
        assert broken.status == 400 and "could not be read" in broken.text
        unknown = fetch(server, "POST", "/form", b"name=x",
                        {"Content-Type": "application/x-www-form-urlencoded; charset=no-such-charset"})
        assert unknown.status == 400
        good = post_form(server, "/form", f"form_token={token}&name=%FF%FE")  # escaped bytes: replaced, kept
        assert good.status == 200 and "Hello \ufffd\ufffd" in good.text


def test_a_megabyte_is_refused_with_a_clear_page() -> None:
    with running(demo_server()) as server:
        for path in ("/form", "/echo", "/hello", "/nowhere"):
            refused = fetch(server, "POST", path, b"x" * 1_000_000,
                            {"Content-Type": "application/x-www-form-urlencoded"})
            assert refused.status == 413 and "too large" in refused.text, path
        assert fetch(server, "POST", "/echo", b"x" * MAX_BODY).text == f"{MAX_BODY} bytes"


def test_a_chunked_body_that_grows_too_large_is_refused() -> None:
    with running(demo_server()) as server:
        chunks = iter([b"x" * 8000] * 4)  # no Content-Length: aiohttp's own limit stops it while reading
        refused = fetch(server, "POST", "/echo", chunks, {"Transfer-Encoding": "chunked"}, chunked=True)
        assert refused.status == 413 and "too large" in refused.text


def test_a_client_over_its_rate_gets_429_until_its_bucket_refills() -> None:
    clock = FakeClock()
    with running(demo_server(Guard(limiter=RateLimiter(clock=clock)))) as server:
        assert [fetch(server, "GET", "/hello").status for _ in range(30)] == [200] * 30
        refused = fetch(server, "GET", "/static/companion.css")
        assert refused.status == 429 and refused.headers["Retry-After"] == "1"
        assert "Too many requests" in refused.text and "Wait a few seconds" in refused.text
        clock.advance(1.0)
        assert fetch(server, "GET", "/hello").status == 200


def test_a_429_is_cheap_and_in_the_phone_s_language_whatever_its_accept_language() -> None:
    """A client flooding the server with an absurd Accept-Language (8 kB, 4,000 subtags) costs no more lookups
    per request, refused or not, than a handful of real ranges: it once cost a lookup per subtag, ~130 ms each."""
    clock, languages = FakeClock(), Languages()
    table = counted(languages)
    header = {"Accept-Language": f"{ABSURD}, es"}
    with running(demo_server(Guard(limiter=RateLimiter(clock=clock), languages=languages))) as server:
        answers = [fetch(server, "GET", "/nowhere", headers=header) for _ in range(31)]
    assert [a.status for a in answers] == [404] * 30 + [429]
    assert '<html lang="es">' in answers[-1].text
    assert table.lookups <= 31 * MAX_RANGES * MAX_SUBTAGS


def test_without_a_limiter_there_is_no_limit() -> None:
    with running(demo_server(Guard(limiter=None))) as server:
        assert {fetch(server, "HEAD", "/hello").status for _ in range(40)} == {200}


def test_refusal_pages_say_nothing_about_the_request() -> None:
    """A 404 for a path made of markup shows the page, not the path."""
    with running(demo_server()) as server:
        missing = fetch(server, "GET", "/%3Cscript%3Ealert(1)%3C/script%3E")
        assert missing.status == 404 and "<script>" not in missing.text and "alert" not in missing.text
        assert re.search(r"<h1>Page not found</h1>", missing.text)
