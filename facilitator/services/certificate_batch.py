"""Drawing and signing a batch of certificates: in this process, or, for a batch large enough to gain from it,
in one worker process per core.

Drawing (ReportLab) and signing (pyHanko) are pure Python and hold the GIL, so threads would only take turns;
processes use every core. A worker costs about a second to start (Python, then ReportLab, pyHanko and their
imports), so a batch of fewer than a hundred, or any batch on a computer with one core, is made here, as it
always was.

The caller (services/certificates.py) writes every file itself, in order, with `save`, so what a batch leaves on
disk is the same either way: whole files, in the order and under the names it always had. Workers only turn a
certificate's facts into signed PDF bytes. What crosses to them: the identity's key (decrypted, over the pipe
multiprocessing opens to its own child; never written to disk), its certificate and chain, the language in
use, what every certificate of the batch shares, and per certificate its facts, QR text and file name. What
comes back: the signed PDF, or the message saying why that person's certificate could not be made (a name the
fonts cannot print), as it would be said here.

Workers are started with "spawn" on every system, never "fork" (the app has Qt and threads running), which the
frozen build supports through `multiprocessing.freeze_support()` in packaging/launcher.py. They ignore Ctrl-C:
it is this process that stops the batch between two files, cancels what no worker has started, and waits for
the workers to end. Where the system can (not Windows), Ctrl-C is held back while they start too, so not even a
worker still importing prints a traceback. A worker that dies (killed, out of memory) is `WorkerFailed`, which
the caller turns into a message saying how many certificates were written.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from facilitator import i18n
from facilitator.documents import certificate as cert_doc
from facilitator.documents import signature_stamp
from facilitator.i18n import _
from facilitator.records.identity import Identity
from facilitator.records.pdf_signing import Box, PdfSigner
from facilitator.services.errors import UserError
from facilitator.services.rendering import render

# The certificates a worker must have to be worth starting. Measured on two cores, a worker takes about 1.2 s
# to start (its imports, its first page) and 0.2 s to end, and a certificate about 30 ms to draw and sign: two
# workers make 100 certificates in about the time this process alone does, and more in less.
PER_WORKER = 50


@dataclass(frozen=True)
class Shared:
    """What every certificate of a batch shares."""

    paper: str
    logo: Path | None
    created: datetime
    reason: str
    location: str
    signer_name: str
    box: Box


@dataclass(frozen=True)
class Job:
    """One certificate: its facts, its QR code's signed text, and the file name its page prints."""

    data: cert_doc.CertificateData
    token: str
    file_name: str


@dataclass(frozen=True)
class Made:
    """One certificate made: the signed PDF, or why it could not be (`problem`, a message for the trainer)."""

    pdf: bytes | None
    problem: str | None = None


class WorkerFailed(Exception):
    """A worker process died, or failed in a way a certificate of its own cannot explain; `reason` says how."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def make(job: Job, shared: Shared, signer: PdfSigner) -> Made:
    """Draw and sign one certificate."""
    try:
        pdf = render(lambda out: cert_doc.render_certificate(
            job.data, out, shared.paper, org_name=job.data.employer, logo_path=shared.logo, qr_text=job.token,
            created=shared.created, verify_hint=cert_doc.verify_command(job.file_name)))
    except UserError as exc:  # this person's name cannot be printed: the others' certificates still are
        return Made(None, exc.message)
    return Made(signer.sign(pdf, reason=shared.reason, location=shared.location, signer_name=shared.signer_name,
                            box=shared.box, stamp=signature_stamp.stamp_style))


def workers_for(count: int) -> int:
    """How many worker processes a batch of `count` certificates gets: one per core the process may use, as long
    as each has PER_WORKER certificates to make; none (all made here) where that leaves fewer than two."""
    workers = min(_cores(), count // PER_WORKER)
    return workers if workers > 1 else 0


def _cores() -> int:
    try:
        usable = len(os.sched_getaffinity(0))  # Linux: the cores this process may run on (a container's share)
    except AttributeError:
        usable = os.cpu_count() or 1
    return max(1, min(usable, os.cpu_count() or 1))


@contextmanager
def certificates_made(jobs: Sequence[Job], shared: Shared, identity: Identity) -> Iterator[Iterator[Made]]:
    """The certificates of `jobs`, made in order, each as soon as it and those before it are ready. Leaving the
    block (at the end, or on Ctrl-C or Cancel raised by the caller between two certificates) cancels what no
    worker has started and waits for the workers to end."""
    workers = workers_for(len(jobs))
    if not workers:
        signer = PdfSigner(identity)
        yield (make(job, shared, signer) for job in jobs)
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                               initargs=(_identity_parts(identity), i18n.language(), shared))
    try:
        try:
            with _interrupts_held_back():  # the workers start as the first jobs are handed out
                futures = [pool.submit(_make_in_worker, job) for job in jobs]
        except (OSError, BrokenProcessPool) as exc:  # no process could be started (too many open, say)
            raise WorkerFailed(_("could not start the processes that make certificates: {reason}").format(
                reason=getattr(exc, "strerror", None) or exc)) from exc
        yield _in_order(futures)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_order(futures: Sequence[Future[Made]]) -> Generator[Made, None, None]:
    for future in futures:
        try:
            yield future.result()
        except BrokenProcessPool as exc:
            raise WorkerFailed(_worker_died()) from exc
        except Exception as exc:  # not one person's problem (those come back as Made.problem): the batch stops
            raise WorkerFailed(str(exc) or type(exc).__name__) from exc


def _worker_died() -> str:
    return _("a process making certificates stopped unexpectedly (was it ended, or out of memory?)")


@contextmanager
def _interrupts_held_back() -> Iterator[None]:
    """Ctrl-C blocked in this thread while workers are started, so that they start with it blocked (a blocked
    signal stays blocked across fork and exec) until `_start_worker` ignores it. Not on Windows, which has no
    signal masks; there a worker ignores Ctrl-C once `_start_worker` has run."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C pressed meanwhile arrives now


# --- in the worker ------------------------------------------------------------------------------------------

_worker: tuple[Shared, PdfSigner] | None = None

IdentityParts = tuple[Path, bytes, bytes]  # folder, the key as unencrypted PKCS#8 DER, the certificates as PEM


def _identity_parts(identity: Identity) -> IdentityParts:
    key = identity.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    return identity.folder, key, identity.cert_pem()


def _start_worker(parts: IdentityParts, language: str, shared: Shared) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # one pressed while starting is dropped
    i18n.install(language)
    folder, key_der, certs_pem = parts
    key = cast(ec.EllipticCurvePrivateKey, serialization.load_der_private_key(key_der, None))
    cert, *chain = x509.load_pem_x509_certificates(certs_pem)
    _worker = shared, PdfSigner(Identity(folder, key, cert, tuple(chain)))


def _make_in_worker(job: Job) -> Made:
    if _worker is None:  # not user text: the pool always starts its workers with _start_worker
        raise RuntimeError("certificate worker used before it was started")
    shared, signer = _worker
    return make(job, shared, signer)
