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
    first = measure(2, 3, cache=tmp_path, postgres=False, use=1)  # a quicker figure from the same bundles
    assert first.used == 1 and first.prepared.cached and first.sides["sqlite"].rows == 1 + 1 + 3 + 3 * 2


@pytest.mark.slow
def test_the_hr_due_benchmark_measures_both_sides_on_both_databases(postgres_server) -> None:
    from benchmarks.hr_due_bench import measure

    measured = measure(400, 2, server=postgres_server)
    assert set(measured.sides) == {"sqlite", "postgresql"}
    rows = {side.rows for side in measured.sides.values()}
    assert len(rows) == 1 and 0 < rows.pop() < 400 * 2, "the same company, due the same way on both databases"
    for side in measured.sides.values():
        assert side.ours > 0 and side.bare > 0 and side.employees == 400 and side.credits > 200


def test_the_hr_bundles_are_kept_by_a_hash_of_the_code_that_makes_them_and_of_nothing_on_hrs_side() -> None:
    """Changing the importer, HR's store or the due dates (what the benchmarks measure) keeps the half hour of
    bundles made before; changing the exporter, the records, the documents or the library makes them again."""
    from benchmarks.hr_bundles import ROOT, code_files

    files = {p.relative_to(ROOT).as_posix() for p in code_files()}
    assert {"benchmarks/hr_bundles.py", "tests/unit/delivering.py", "facilitator/services/export.py",
            "facilitator/services/closing.py", "facilitator/records/sealed.py", "facilitator/records/bundle.py",
            "facilitator/documents/certificate.py", "facilitator/domain/eligibility.py",
            "facilitator/storage/migrations/versions/0001_initial.py", "assets/fonts/DejaVuSans.ttf",
            "sessions/workshops/harassment-prevention-supervisors.yaml"} <= files
    assert not {"facilitator/services/hr_import.py", "facilitator/services/hr_writing.py",
                "facilitator/storage/hr_database.py", "facilitator/storage/hr_models.py",
                "facilitator/storage/hr_rows.py", "facilitator/services/hr_due.py", "facilitator/domain/due.py",
                "benchmarks/hr_import_bench.py", "facilitator/cli/hr.py"} & files


@pytest.mark.slow
def test_the_phones_benchmark_counts_every_phone_and_loses_none() -> None:
    from benchmarks.phones_bench import measure

    found = measure(human=False, phones=6)
    assert found.lost == 0 and found.result.failures == []
    assert len(found.result.latencies) == 6 * 6 and found.ours > 0 and found.bare > 0


@pytest.mark.slow
def test_the_startup_benchmark_measures_the_app_the_bare_window_and_the_libraries_floor() -> None:
    from benchmarks.run import startup

    figures = {f.name: f for f in startup(1)}
    assert set(figures) == {"startup", "startup_ready", "startup_libraries"}
    assert figures["startup_ready"].value > figures["startup"].value > 0
    # The floor is the bare window plus imports, so it cannot come in under the bare window it is measured against.
    assert figures["startup_libraries"].ratio > 1
