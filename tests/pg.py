"""A real PostgreSQL for the tests of HR's store: a throwaway cluster on loopback, made once per test run.

Debian's `postgresql` package (which `.ci/run` installs) gives `initdb` and `pg_ctl` under
/usr/lib/postgresql/VERSION/bin. PostgreSQL refuses to run as root, so when the tests run as root (CI does) the
cluster is made and run as the `postgres` user the package creates (`runuser -u postgres --`), in a folder of its
own under the system's temporary folder (pytest's own are private to root). It listens on 127.0.0.1 only, on a
free port, with trust authentication for the `postgres` role, and without fsync (its data is thrown away).

Where PostgreSQL is not installed the tests that need it are skipped, saying how to get it; where
FACILITATOR_CI is set (`.ci/run`), they fail instead. `postgres_url` gives each test a new, empty database.
`start_cluster` and `running_cluster` start the same kind of cluster outside pytest (the HR import benchmark).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HOST = "127.0.0.1"  # loopback only
SUPERUSER = "postgres"
START_TIMEOUT = 60  # seconds; a start takes about a second here


@dataclass
class Postgres:
    """One running cluster: where it is, and a way to get a new database in it."""

    bin_dir: Path
    folder: Path
    port: int
    as_postgres: list[str]  # the words that run a command as the cluster's owner (nothing when not root)
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@{HOST}:{self.port}/{database}"

    def new_database(self) -> str:
        """A new empty database's URL."""
        import psycopg

        name = f"hr_test_{next(self._numbers)}"
        with psycopg.connect(f"host={HOST} port={self.port} user={SUPERUSER} dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.as_postgres, str(self.bin_dir / tool), *args], capture_output=True, text=True,
                              timeout=START_TIMEOUT, check=False)

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def discard(self) -> None:
        """Stop the cluster and remove its folder."""
        self.stop()
        with contextlib.suppress(OSError):
            shutil.rmtree(self.folder)


def find_bin_dir() -> Path | None:
    """Debian's newest PostgreSQL server programs, else the folder of an `initdb` on PATH."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
                      if p.parts[-3].isdigit() else 0)
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _unavailable(reason: str) -> None:
    if os.environ.get("FACILITATOR_CI"):
        pytest.fail(reason)
    pytest.skip(reason)


class Unavailable(Exception):
    """PostgreSQL cannot be run here (not installed, no driver, no user to run it as): the tests are skipped (or,
    under .ci/run, fail), and a benchmark says why it has no PostgreSQL figure."""


def start_cluster() -> Postgres:
    """A new throwaway cluster, running on loopback (stop it, and remove its folder, with `discard`); Unavailable
    when PostgreSQL cannot run here, RuntimeError when it is there but did not start."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise Unavailable("PostgreSQL is not installed (Debian: apt-get install postgresql); .ci/run installs it")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable("psycopg is not installed: pip install -e '.[test]'") from None
    as_postgres: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="facilitator-pg-"))
    if os.geteuid() == 0:  # PostgreSQL will not run as root: as the user Debian's package made for it
        if shutil.which("runuser") is None:
            shutil.rmtree(folder, ignore_errors=True)
            raise Unavailable("running as root, and there is no runuser to start PostgreSQL as the postgres user")
        try:
            shutil.chown(folder, user=SUPERUSER)
        except (LookupError, OSError) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise Unavailable(f"running as root, and there is no '{SUPERUSER}' user to run PostgreSQL as ({exc})"
                              ) from None
        as_postgres = ["runuser", "-u", SUPERUSER, "--"]
    server = Postgres(bin_dir, folder, free_port(), as_postgres)
    made = server.run("initdb", "-D", str(folder / "data"), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
                      "--no-sync", "--no-instructions")
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed:\n{made.stdout}\n{made.stderr}")
    options = f"-k {folder} -p {server.port} -c listen_addresses={HOST} -c fsync=off -c full_page_writes=off"
    started = server.run("pg_ctl", "-D", str(folder / "data"), "-o", options, "-l", str(folder / "log"), "-w",
                         "-t", str(START_TIMEOUT), "start")
    if started.returncode != 0:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start:\n{started.stderr}\n{log[-3000:]}")
    return server


@contextlib.contextmanager
def running_cluster() -> Iterator[Postgres]:
    """`start_cluster`'s cluster for the block, stopped and removed at its end."""
    server = start_cluster()
    try:
        yield server
    finally:
        server.discard()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    """One cluster for the whole run, stopped and removed at its end."""
    try:
        server = start_cluster()
    except Unavailable as exc:
        _unavailable(str(exc))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        server.discard()


@pytest.fixture
def postgres_url(postgres_server: Postgres) -> str:
    """A new, empty database in the test run's cluster, as a SQLAlchemy URL."""
    return postgres_server.new_database()
