"""Allow `python -m facilitator` as well as the `facilitator` entry point."""

from facilitator.cli import main

raise SystemExit(main())
