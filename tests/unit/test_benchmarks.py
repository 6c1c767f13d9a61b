"""The benchmarks still run (with tiny sizes), so `python benchmarks/run.py` does not rot between releases."""

from __future__ import annotations

import pytest

from benchmarks.checkin_bench import measure


def test_the_checkin_benchmark_measures_both_sides() -> None:
    ours, bare = measure(20)
    assert ours > 0 and bare > 0


def test_the_certificates_benchmark_measures_both_sides() -> None:
    from benchmarks.certificates_bench import measure as certificates

    ours, bare = certificates(3)
    assert ours > bare > 0


@pytest.mark.slow
def test_the_hr_import_benchmark_measures_both_sides_on_both_databases(tmp_path, postgres_server) -> None:
    from benchmarks.hr_bundles import prepared_bundles
    from benchmarks.hr_import_bench import measure

    measured = measure(2, 3, cache=tmp_path, server=postgres_server)
    assert not measured.prepared.cached and measured.prepared.seconds > 0
    assert set(measured.sides) == {"sqlite", "postgresql"}
    for side in measured.sides.values():
        assert side.rows == 2 * (1 + 1 + 3 + 3 * 2)  # each bundle: its row, its session, 3 people, 2 credits each
        assert side.total > side.verify > 0 and side.write > 0 and side.bare > 0
        assert abs(side.verify + side.write + side.rest - side.total) < 1e-6
    again = prepared_bundles(2, 3, cache=tmp_path)  # made once: a second run finds them
    assert again.cached and again.bundles == measured.prepared.bundles


@pytest.mark.slow
def test_the_phones_benchmark_counts_every_phone_and_loses_none() -> None:
    from benchmarks.phones_bench import measure

    found = measure(human=False, phones=6)
    assert found.lost == 0 and found.result.failures == []
    assert len(found.result.latencies) == 6 * 6 and found.ours > 0 and found.bare > 0
