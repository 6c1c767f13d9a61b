"""Build the one-folder desktop app with PyInstaller: `python packaging/build.py [--dist DIR]`."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; returns the built program's path."""
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work), str(ROOT / "packaging" / "facilitator.spec")],
                   check=True, cwd=ROOT)
    program = dist / "facilitator" / ("facilitator.exe" if sys.platform == "win32" else "facilitator")
    if not program.is_file():
        raise SystemExit(f"PyInstaller finished but {program} is missing")
    return program


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    args = parser.parse_args()
    print(build(args.dist, args.work))


if __name__ == "__main__":
    main()
