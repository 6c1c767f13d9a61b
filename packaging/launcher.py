"""Entry script for the frozen app: the same `facilitator` command, GUI and CLI in one program.

A batch of certificates is made by worker processes (services/certificate_batch.py), which start as copies of
this program: `freeze_support` turns such a copy into a worker before anything else runs."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from facilitator.cli import main

    sys.exit(main())
