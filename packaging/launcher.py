"""Entry script for the frozen app: the same `facilitator` command, GUI and CLI in one program."""

import sys

from facilitator.cli import main

if __name__ == "__main__":
    sys.exit(main())
