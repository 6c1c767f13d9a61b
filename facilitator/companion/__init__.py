"""The companion for phones: a small web server on the trainer's own network (docs/companion.md).

`server` runs an aiohttp application on its own thread and event loop, bound to the one address the trainer
picked; `guard` holds what every request passes through (size and rate limits, security headers, error pages)
and `tokens` the one-time form tokens; `pages` renders the plain HTML pages; `assets` serves `static/` by exact
name. The handlers of the pages themselves call the services, as the check-in desk does (`phone_pages`), and
`run.start` puts them together for one session. This package's own import loads nothing, so `addresses` stays
cheap for the command line's help.
"""


def __getattr__(name: str) -> object:
    """`facilitator.companion.start` (run.start), loaded only when asked for: importing the package stays cheap."""
    if name == "start":
        from facilitator.companion.run import start

        return start
    raise AttributeError(name)
