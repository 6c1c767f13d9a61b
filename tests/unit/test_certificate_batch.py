"""A batch of certificates made across the cores (services/certificate_batch.py): the same signed files as one
process makes, progress in order, Cancel and Ctrl-C between whole files with the workers ended, a name that
cannot be printed left out while the others are made, and a worker that dies reported in words.

The pool is forced on for a handful of certificates (PER_WORKER 1, two cores), where a real batch would need a
hundred; each such test pays the workers' start-up, about a second."""

from __future__ import annotations

import errno
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from facilitator.domain.roster import Person
from facilitator.records.pdf_signing import document_keywords, validate_pdf
from facilitator.services import certificate_batch, certificates
from facilitator.services.errors import Cancelled, Stopped, UserError
from facilitator.services.identity import get_identity
from facilitator.services.rendering import OutputResult
from facilitator.services.workspace import Workspace
from tests.unit.test_faults import sealed_session

ROOT = Path(__file__).parents[2]


class Pools:
    """The pools a batch started, and every piece of work handed to them."""

    def __init__(self) -> None:
        self.started: list[ProcessPoolExecutor] = []
        self.futures: list[Future[Any]] = []


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> Pools:
    return forced_pool(monkeypatch)


def forced_pool(monkeypatch: pytest.MonkeyPatch) -> Pools:
    """Two workers for any batch of two or more, whatever this computer has; and a record of what they did."""
    seen = Pools()

    class Recorded(ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            seen.started.append(self)

        def submit(self, *args: Any, **kwargs: Any) -> Future[Any]:
            future = super().submit(*args, **kwargs)
            seen.futures.append(future)
            return future

    monkeypatch.setattr(certificate_batch, "PER_WORKER", 1)
    monkeypatch.setattr(certificate_batch, "_cores", lambda: 2)
    monkeypatch.setattr(certificate_batch, "ProcessPoolExecutor", Recorded)
    return seen


def people(count: int, *extra: Person) -> list[Person]:
    return [Person(f"Person{i}", "Tester", f"E{i:03}") for i in range(count)] + list(extra)


def page_text(pdf: Path) -> str:
    """The page's words, the signature stamp's time aside (two batches may be signed a minute apart)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\d{1,2}\s+\S+\s+\d{4},\s+\d\d:\d\d\s+UTC[+\-\d:]*", "(signed at)", text)  # 30 Nov 2026, 03:02 UTC


def signed_facts(pdf: Path) -> str:
    """The QR code's JWS payload (kept in the Keywords too): its signature differs from one batch to the next."""
    keywords = document_keywords(pdf.read_bytes())
    assert keywords is not None
    return keywords.split(".")[1]


def stopping_at(done_when: int, then: Callable[[], None] | None = None) -> Callable[[int, int], None]:
    """A progress callback that does `then` (Cancel, by default) once `done_when` certificates are done."""
    def progress(done: int, total: int) -> None:
        if done == done_when:
            (then or _cancel)()
    return progress


def _cancel() -> None:
    raise Cancelled


def test_how_many_workers_a_batch_gets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(certificate_batch, "_cores", lambda: 2)
    assert certificate_batch.workers_for(3) == 0, "a small batch is made in this process"
    assert certificate_batch.workers_for(99) == 0 and certificate_batch.workers_for(100) == 2
    monkeypatch.setattr(certificate_batch, "_cores", lambda: 1)
    assert certificate_batch.workers_for(5000) == 0, "one core: no pool at all"
    monkeypatch.setattr(certificate_batch, "_cores", lambda: 8)
    assert certificate_batch.workers_for(150) == 3, "each worker has enough certificates to be worth starting"
    assert certificate_batch.workers_for(5000) == 8, "never more than the cores"


def test_a_pooled_batch_makes_the_same_signed_certificates_as_one_process(workspace: Workspace, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    session_id = sealed_session(workspace, people(5))
    alone = certificates.make_certificates(workspace, session_id, tmp_path / "alone")
    pools = forced_pool(monkeypatch)
    calls: list[tuple[int, int]] = []
    pooled = certificates.make_certificates(workspace, session_id, tmp_path / "pooled",
                                            progress=lambda done, total: calls.append((done, total)))
    assert len(pools.started) == 1, "the first batch was made here, this one by the workers"
    assert calls == [(done, 5) for done in range(1, 6)], "progress counts up to the total, in order"
    assert [f.name for f in pooled.files] == [f.name for f in alone.files], "the same names, in the same order"
    assert pooled.message.startswith("Wrote 5 signed certificates") and pooled.not_made == []
    trusted = [get_identity(workspace).cert_pem()]
    for mine, theirs in zip(pooled.files, alone.files, strict=True):
        assert validate_pdf(mine.read_bytes(), trusted).ok
        # Drawn by a worker, the page says what it says drawn here (language, facts, its file name), and its QR
        # code signs the same facts.
        assert page_text(mine) == page_text(theirs) and signed_facts(mine) == signed_facts(theirs)
    assert len(pools.futures) == 5 and all(f.done() and not f.cancelled() for f in pools.futures)
    assert multiprocessing.active_children() == [], "the workers have ended"


def test_cancel_in_a_pooled_batch_leaves_whole_files_and_ends_the_workers(workspace: Workspace, tmp_path: Path,
                                                                         pools: Pools) -> None:
    session_id = sealed_session(workspace, people(24))
    out = tmp_path / "certs"
    with pytest.raises(Stopped) as stopped:
        certificates.make_certificates(workspace, session_id, out, progress=stopping_at(1))
    assert stopped.value.summary == f"stopped: wrote 1 of 24 certificates to {out}"
    [written] = list(out.iterdir())  # one whole file, and no temporary one beside it
    assert validate_pdf(written.read_bytes(), [get_identity(workspace).cert_pem()]).ok
    assert any(f.cancelled() for f in pools.futures), "work no worker had started was cancelled"
    assert multiprocessing.active_children() == [], "the workers have ended"


def test_a_name_that_cannot_be_printed_in_a_pooled_batch_leaves_out_that_one(workspace: Workspace,
                                                                            tmp_path: Path, pools: Pools) -> None:
    session_id = sealed_session(workspace, people(3, Person("小明", "王", "E900")))
    result = certificates.make_certificates(workspace, session_id, tmp_path / "certs")
    assert pools.started, "made by the workers"
    assert len(result.files) == 3 and all(f.is_file() for f in result.files)
    [problem] = result.not_made
    assert "小明 王" in problem and "bundled fonts cannot print" in problem
    assert sorted(p.name for p in (tmp_path / "certs").iterdir()) == sorted(f.name for f in result.files)


def test_a_worker_that_dies_stops_the_batch_with_a_message(workspace: Workspace, tmp_path: Path,
                                                          pools: Pools) -> None:
    session_id = sealed_session(workspace, people(24))
    out = tmp_path / "certs"

    def kill_a_worker() -> None:
        worker = multiprocessing.active_children()[0]
        worker.kill()
        worker.join()

    with pytest.raises(UserError) as failed:
        certificates.make_certificates(workspace, session_id, out, progress=stopping_at(1, kill_a_worker))
    written = list(out.iterdir())
    message = failed.value.for_app()
    assert "stopped unexpectedly" in message and f"wrote {len(written)} of 24 certificates to {out}" in message
    assert "choose Documents… on the sessions list" in message
    assert all(validate_pdf(p.read_bytes(), [get_identity(workspace).cert_pem()]).ok for p in written)
    assert multiprocessing.active_children() == []


def test_workers_that_cannot_start_are_a_message(workspace: Workspace, tmp_path: Path, pools: Pools,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    session_id = sealed_session(workspace, people(3))

    class Refused(certificate_batch.ProcessPoolExecutor):  # type: ignore[misc, name-defined]
        def submit(self, *args: Any, **kwargs: Any) -> Future[Any]:
            raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(certificate_batch, "ProcessPoolExecutor", Refused)
    out = tmp_path / "certs"
    with pytest.raises(UserError) as failed:
        certificates.make_certificates(workspace, session_id, out)
    assert failed.value.message == ("could not start the processes that make certificates: Too many open files; "
                                    f"wrote 0 of 3 certificates to {out}")
    assert list(out.iterdir()) == [] and multiprocessing.active_children() == []


def made_despite_ctrl_c(*args: Any, **kwargs: Any) -> OutputResult:
    """make_certificates, where a Ctrl-C reaching this process fails the test (rather than stopping pytest)."""
    try:
        return certificates.make_certificates(*args, **kwargs)
    except KeyboardInterrupt as stopped:
        pytest.fail(f"a worker took Ctrl-C as its own: {stopped!r}")


def interrupt_the_workers() -> None:
    for worker in multiprocessing.active_children():
        os.kill(worker.pid, signal.SIGINT)  # type: ignore[arg-type]


@pytest.mark.skipif(os.name != "posix", reason="Ctrl-C sent to one process")
def test_workers_ignore_ctrl_c_once_started(workspace: Workspace, tmp_path: Path, pools: Pools) -> None:
    """Ctrl-C is the command's to handle: a worker that took it as its own would fail its certificate, or die."""
    session_id = sealed_session(workspace, people(8))
    result = made_despite_ctrl_c(workspace, session_id, tmp_path / "certs",
                                 progress=stopping_at(1, interrupt_the_workers))
    assert len(result.files) == 8 and result.not_made == []


@pytest.mark.skipif(os.name != "posix", reason="signal masks")
def test_workers_ignore_ctrl_c_while_they_start(workspace: Workspace, tmp_path: Path, pools: Pools,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Held back while a worker imports (a second or so), Ctrl-C is dropped once it is ready, rather than
    ending it with a traceback half-way through its imports."""
    session_id = sealed_session(workspace, people(4))
    recorded = certificate_batch.ProcessPoolExecutor

    class Interrupted(recorded):  # type: ignore[misc, valid-type]
        def submit(self, *args: Any, **kwargs: Any) -> Future[Any]:
            future = super().submit(*args, **kwargs)  # the first submissions start the workers
            interrupt_the_workers()
            return future

    monkeypatch.setattr(certificate_batch, "ProcessPoolExecutor", Interrupted)
    result = made_despite_ctrl_c(workspace, session_id, tmp_path / "certs")
    assert len(result.files) == 4 and pools.started


@pytest.mark.skipif(os.name != "posix", reason="Ctrl-C to a process group, as a terminal sends it")
def test_ctrl_c_in_a_pooled_batch_is_one_line_from_the_command(workspace: Workspace, tmp_path: Path) -> None:
    """A terminal sends Ctrl-C to every process of the command, the workers included: they ignore it (held back
    while they start), and the command alone stops, between two files, saying how far it got."""
    # Far more certificates than are made before the Ctrl-C arrives, even when a busy machine leaves this test
    # waiting seconds between seeing the first file and pressing it.
    session_id = sealed_session(workspace, people(COUNT := 200))
    workspace.close()
    out = tmp_path / "certs"
    command = ("import sys; from facilitator.services import certificate_batch as b; b.PER_WORKER = 1; "
               "b._cores = lambda: 2; from facilitator.cli import main; sys.exit(main(sys.argv[1:]))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", command, "certificates", session_id, "--out", str(out)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (out.is_dir() and any(out.glob("*.pdf"))) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, proc.communicate()
        os.killpg(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    written = len(list(out.glob("*.pdf")))
    assert proc.returncode == 130, err
    assert err == f"facilitator: stopped: wrote {written} of {COUNT} certificates to {out}\n", "one line, no traceback"
    assert 0 < written < COUNT
