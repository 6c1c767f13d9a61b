"""The cyclic collector is held off for a bulk block (services/bulk.py) and left as it was found afterwards."""

from __future__ import annotations

import gc

import pytest

from facilitator.services.bulk import collector_held


def test_the_collector_is_off_in_the_block_and_as_it_was_after() -> None:
    assert gc.isenabled()
    with collector_held():
        assert not gc.isenabled()
        with collector_held():
            assert not gc.isenabled()
        assert not gc.isenabled(), "an inner block leaves the outer one's collector off"
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_held():
        raise RuntimeError("a failing block")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_held():
            pass
        assert not gc.isenabled(), "a program that turned it off itself keeps it off"
    finally:
        gc.enable()
