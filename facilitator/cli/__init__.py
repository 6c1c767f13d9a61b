"""The `facilitator` command: noun-verb subcommands over the services; with no command it opens the app.

One module per noun (`content`, `session`, `roster`, `checkin`, `attendance`, `run`, `feedback`, `documents`,
`verify`, `settings`, `keys`, and `app` for the app and the demo), each declaring its arguments beside the handlers
that use them. `registry` names them with a one-line help each; `program` builds the parser with only the noun in
use imported, parses, and turns what happened into an exit code: 0 success, 1 a user error (one line saying why),
2 wrong usage.
"""

from facilitator.cli.program import build_parser, main

__all__ = ["build_parser", "main"]
