"""The benchmarks still run (with tiny sizes), so `python benchmarks/run.py` does not rot between releases."""

from __future__ import annotations

from benchmarks.checkin_bench import measure


def test_the_checkin_benchmark_measures_both_sides() -> None:
    ours, bare = measure(20)
    assert ours > 0 and bare > 0


def test_the_certificates_benchmark_measures_both_sides() -> None:
    from benchmarks.certificates_bench import measure as certificates

    ours, bare = certificates(3)
    assert ours > bare > 0
