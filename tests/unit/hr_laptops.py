"""Real export bundles from three trainers' laptops, made once per test run, for the tests of HR's store.

- Laptop A (key A): sessions S1 and S2, exported as `a1.zip`, exported again as `a1-again.zip` (the same records,
  another zip and hash), then S2 amended (E2 earned the certificate after all) and exported alone as `a2.zip`.
- Laptop C: a copy of A's data folder, key and all, taken before S1 was sealed; it seals S1 too, a minute earlier,
  so its record of S1 differs from A's: `c1.zip`.
- Laptop B (key B, its certificate issued by an organisation CA that HR does not trust yet): S3, as `b1.zip`;
  `ca.pem` is that CA's certificate.
- `tampered.zip`: a1.zip with a completion changed in attendance.csv.
- `trainer-a.pem`: the certificate trainer A gives HR (`facilitator keys export-cert`).
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from facilitator.records.identity import make_csr
from facilitator.services import closing, export
from facilitator.services.identity import export_certificate, get_identity, install_certificate, signer
from facilitator.services.workspace import Workspace, open_workspace
from tests.unit.exporting import delivered_session, sealed_session
from tests.unit.test_identity import issue_from_csr, make_ca, pem


@dataclass(frozen=True)
class Laptops:
    folder: Path
    s1: str
    s2: str
    s3: str
    a1: Path
    a1_again: Path
    a2: Path
    c1: Path
    b1: Path
    tampered: Path
    trainer_a: Path  # trainer A's certificate, as they give it to HR
    trainer_b: Path  # trainer B's certificate and, after it, the CA that issued it
    ca: Path  # that organisation CA's own certificate


def make_laptops(folder: Path) -> Laptops:
    bundles = folder / "bundles"
    bundles.mkdir(parents=True)
    a = open_workspace(folder / "laptop-a")
    try:
        get_identity(a, create_as="Sam Lee")  # the key exists before the data folder is copied to laptop C
        s1 = delivered_session(a)
        a.close()
        shutil.copytree(folder / "laptop-a", folder / "laptop-c")
        a = open_workspace(folder / "laptop-a")
        closing.close_session(a, s1, signer(a), at=datetime.now(UTC))
        s2 = sealed_session(a)
        export.export_bundle(a, [s1, s2], bundles / "a1.zip")
        export.export_bundle(a, [s1, s2], bundles / "a1-again.zip", now=datetime.now(UTC) + timedelta(seconds=2))
        closing.amend(a, s2, signer(a), person="E2", eligible=True, reason="made up the hour with the trainer")
        export.export_bundle(a, [s2], bundles / "a2.zip")
        export_certificate(a, bundles / "trainer-a.pem")
    finally:
        a.close()
    c = open_workspace(folder / "laptop-c")
    try:
        closing.close_session(c, s1, signer(c), at=datetime.now(UTC) - timedelta(minutes=1))
        export.export_bundle(c, [s1], bundles / "c1.zip")
    finally:
        c.close()
    b = open_workspace(folder / "laptop-b")
    try:
        ca_key, ca_cert = make_ca()
        (bundles / "ca.pem").write_bytes(pem(ca_cert))
        issued = issue_from_csr(make_csr(get_identity(b, create_as="Kai Moreno")), ca_key, ca_cert)
        (folder / "kai-issued.pem").write_bytes(pem(issued, ca_cert))
        install_certificate(b, folder / "kai-issued.pem")
        s3 = sealed_session(b, trainer="Kai Moreno")
        export.export_bundle(b, [s3], bundles / "b1.zip")
        export_certificate(b, bundles / "trainer-b.pem")
    finally:
        b.close()
    return Laptops(folder, s1, s2, s3, bundles / "a1.zip", bundles / "a1-again.zip", bundles / "a2.zip",
                   bundles / "c1.zip", bundles / "b1.zip", tampered(bundles / "a1.zip", bundles / "tampered.zip"),
                   bundles / "trainer-a.pem", bundles / "trainer-b.pem", bundles / "ca.pem")


def tampered(original: Path, out: Path) -> Path:
    """`original` with one person's completion changed in attendance.csv, and nothing else."""
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in source.namelist():
            data = source.read(name)
            if name == "attendance.csv":
                data = data.replace(b"incomplete", b"completed", 1)
            copy.writestr(name, data)
    return out


def workspace_of(laptops: Laptops, name: str) -> Workspace:
    return open_workspace(laptops.folder / f"laptop-{name}")
