"""Holding off Python's cyclic garbage collector while a use case makes a great many small objects at once.

`hr due` reads a company's list and every credit (130,000 rows for 50,000 people) and makes a value of each, then a
row for everyone due. The collector is triggered every 700 new objects, and each of its fuller passes walks every
object still alive, so as those lists grew it came to cost as much as all the rest of the work (measured: 1.2 s
with it, 0.7 s without). Nothing made there holds a cycle (tuples of text, numbers and dates), so reference counting
frees all of it as usual; the collector only finds cycles, and it runs again as before once the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_held() -> Iterator[None]:
    """The block runs with the cyclic collector off; afterwards it is on again if it was on before (so a block
    inside another, or a program that turned it off itself, leaves it as it found it)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
