"""Check in every code given on stdin, printing a line only after each check-in has returned (committed).

Used by test_durability.py, which kills this process in the middle of the burst.
"""

from __future__ import annotations

import sys

from facilitator.domain.attendance import Source
from facilitator.services.attendance import check_in
from facilitator.services.workspace import open_workspace


def main() -> None:
    data_dir, session_id = sys.argv[1], sys.argv[2]
    ws = open_workspace(data_dir)
    print("ready", flush=True)
    for line in sys.stdin:
        result = check_in(ws, session_id, line.strip(), source=Source.SCANNER)
        print(f"confirmed {result.seq} {result.outcome.value} {line.strip()}", flush=True)


if __name__ == "__main__":
    main()
