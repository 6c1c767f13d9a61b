"""The code stays ruff-clean: lint runs as part of the one test command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def test_ruff_finds_nothing() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed; install the test extras: pip install -e '.[test]'")
    done = subprocess.run([ruff, "check", str(ROOT)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


MAX_MODULE_LINES = 500  # a module past this is usually two things (style.md); split it by responsibility
MAX_CLI_MODULE_LINES = 400  # each command's module holds its arguments and handlers, nothing more


def test_no_module_is_two_things() -> None:
    def too_long(folder: Path, limit: int) -> list[str]:
        return [f"{p.relative_to(ROOT)}: {n} lines" for p in sorted(folder.rglob("*.py"))
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > limit]

    assert too_long(ROOT / "facilitator", MAX_MODULE_LINES) == []
    assert too_long(ROOT / "facilitator" / "cli", MAX_CLI_MODULE_LINES) == []
