"""The command line's nouns are registered lazily: `--help` lists them all without importing one noun's module or a
single service, each noun's parser builds and answers `--help`, and the language is chosen before any of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator import i18n
from facilitator.cli import main, program, registry
from facilitator.paths import SETTINGS_FILE

ROOT = Path(__file__).parents[2]
CLI = ROOT / "facilitator" / "cli"
NOT_NOUNS = {"__init__", "registry", "common", "program"}  # the machinery every command loads
EVERY_NAME = [name for noun_name, noun in registry.NOUNS.items() for name in (noun_name, *noun.aliases)]

# Runs the command in a fresh interpreter, then lists every module it imported on stderr.
PROBE = """
import sys
from facilitator.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def imported_by(tmp_path: Path, *words: str) -> tuple[str, set[str]]:
    env = {k: v for k, v in os.environ.items() if k != i18n.LANGUAGE_ENV}
    env["FACILITATOR_DATA_DIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", PROBE, *words], capture_output=True, text=True, check=True,
                          timeout=60, cwd=ROOT, env=env)
    return done.stdout, set(done.stderr.split())


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in ("PySide6", "sqlalchemy", "pydantic", "reportlab")
                  or m.startswith("facilitator.services"))


def test_help_lists_every_noun_and_imports_no_noun_module_and_no_service(tmp_path: Path) -> None:
    out, modules = imported_by(tmp_path, "--help")
    for name in registry.NOUNS:
        assert name in out
    assert "run (delivery)" in out
    nouns = {f"facilitator.cli.{p.stem}" for p in CLI.glob("*.py") if p.stem not in NOT_NOUNS}
    assert sorted(nouns & modules) == []
    assert heavy(modules) == []


@pytest.mark.parametrize("words", [["run", "--help"], ["delivery", "tally", "--help"], ["attendance", "--help"],
                                   ["session", "create", "--help"], ["demo", "--help"]])
def test_a_noun_s_help_imports_that_noun_alone_and_no_service(tmp_path: Path, words: list[str]) -> None:
    out, modules = imported_by(tmp_path, *words)
    assert out.startswith(f"usage: facilitator {words[0]}")
    module = registry.NOUNS[registry.find(words[0])].module
    assert {m for m in modules if m.startswith("facilitator.cli.")} == {
        f"facilitator.cli.{m}" for m in (*NOT_NOUNS - {"__init__"}, module)}
    assert heavy(modules) == []


def test_every_noun_module_is_registered_and_registers() -> None:
    """The frozen build collects the package's modules; the registry must name each noun's, and no other."""
    modules = {p.stem for p in CLI.glob("*.py")} - NOT_NOUNS
    assert {noun.module for noun in registry.NOUNS.values()} == modules
    for name in registry.NOUNS:
        assert callable(registry.load(name).register)


@pytest.mark.parametrize("name", EVERY_NAME)
def test_every_noun_and_verb_answers_help(capsys, data_dir: Path, name: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: facilitator {name}")
    _, noun = program.build([name])
    assert noun is not None
    for verb in noun.verbs:
        with pytest.raises(SystemExit) as exited:
            main([name, verb, "--help"])
        assert exited.value.code == 0, (name, verb)
        assert capsys.readouterr().out.startswith("usage: facilitator")


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages the command line asks i18n for, in order; FACILITATOR_LANG restored afterwards."""
    asked: list[str] = []
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "")
    monkeypatch.setattr(i18n, "install", lambda language=None, localedir=None: asked.append(language) or "en")
    return asked


def test_the_language_comes_from_lang_then_the_environment_then_the_setting(capsys, tmp_path: Path,
                                                                           installed: list[str]) -> None:
    (tmp_path / SETTINGS_FILE).write_text(json.dumps({"language": "fr"}), encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "settings", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["language"] == "fr"  # `settings show` lists it
    os.environ[i18n.LANGUAGE_ENV] = "de_DE.UTF-8"
    assert main(["--data-dir", str(tmp_path), "settings", "show"]) == 0
    assert main(["--lang", "es", "--data-dir", str(tmp_path), "settings", "show"]) == 0
    assert installed == ["fr", "de_DE", "es"]
    assert os.environ[i18n.LANGUAGE_ENV] == "es"  # for the app `demo` opens, and what it starts


def test_a_language_without_a_catalogue_is_english(tmp_path: Path) -> None:
    env = {**os.environ, "FACILITATOR_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "facilitator", "--lang", "zz", "content", "list"],
                          capture_output=True, text=True, check=False, timeout=60, cwd=ROOT, env=env)
    assert done.returncode == 0 and "harassment-prevention-supervisors" in done.stdout
    assert done.stderr == "facilitator: there is no 'zz' translation yet; the languages are en, es\n"


@pytest.mark.parametrize("words", [["attendance", "--json", "{sid}"], ["run", "--json", "{sid}"],
                                   ["delivery", "--json", "{sid}"], ["feedback", "--json", "{sid}"]])
def test_options_may_come_before_the_session_of_a_noun_s_default_verb(capsys, data_dir: Path, words) -> None:
    assert main(["session", "create", "--workshop", "bystander-intervention", "--date", "2026-12-03", "--start",
                 "09:00", "--location", "Depot", "--trainer", "Sam Lee", "--jurisdiction", "none"]) == 0
    sid = capsys.readouterr().out.strip()
    assert main([w.format(sid=sid) for w in words]) == 0
    json.loads(capsys.readouterr().out)  # the --json before the session was read as the show verb's


def test_an_unknown_setting_is_wrong_usage(capsys, data_dir: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["settings", "set", "colour", "blue"])
    assert exited.value.code == 2 and "invalid choice: 'colour'" in capsys.readouterr().err
