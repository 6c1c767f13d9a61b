"""How long a GUI test waits, at most, for what it expects: a ceiling for a machine with both cores busy, not a
pause (each wait ends as soon as its condition holds). Waits whose limit is itself the requirement (a change
made elsewhere shows within two seconds) keep their own."""

WAIT_MS = 15_000
