"""Hostile input (issue 11, "Input bounds everywhere"): every file a user names is a regular file read within a
limit, an .xlsx or a YAML file cannot expand without bound, roster text cannot hide characters, mixed encodings or
uncalculated formulas, and times keyed in with --at and grace periods stay within what a session can mean.

Each case is refused quickly with a message that names the file (and the row and column, or the line), says what is
wrong and what to do; none gives a traceback. Inputs that would make the old code read forever (/dev/zero, a pipe)
are tried in a child process held to a time and memory limit, so a regression fails here instead of hanging.
"""

from __future__ import annotations

import csv
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.cli import main
from facilitator.content import yamlfile
from facilitator.content.problems import ContentError
from facilitator.content.roster_file import RosterFileError, parse_roster, read_table
from facilitator.content.workshops import parse_workshop
from facilitator.domain.roster import Person
from facilitator.services import attendance
from facilitator.services.errors import UserError
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.settings import set_setting
from facilitator.services.workspace import Workspace

ROOT = Path(__file__).parents[2]
TINY = (ROOT / "tests" / "fixtures" / "content" / "tiny.yaml").read_text(encoding="utf-8")
PAST = date(2026, 3, 14)  # a session day safely in the past, so "not in the future" never decides a case here


def session(ws: Workspace, on: date = PAST, start: str = "09:00", **extra: object) -> tuple[str, list[str]]:
    detail = create_session(ws, workshop_id="harassment-prevention-employees", on=on, start=start, location="Depot",
                            trainer="Sam Lee", jurisdictions=["none"], **extra)
    add_people(ws, detail.id, [Person("Ana", "Díaz", "E1"), Person("Bo", "Li", "E2")])
    return detail.id, [p.badge_code for p in get_session(ws, detail.id).roster]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- --at: the session's day window ---------------------------------------------------------------------------

def local(on: date, hhmm: str) -> datetime:
    return datetime.combine(on, time.fromisoformat(hhmm)).astimezone()


def test_an_offset_cannot_move_the_previous_evening_into_the_session(workspace: Workspace) -> None:
    sid, codes = session(workspace)
    evening = local(PAST, "09:00") - timedelta(hours=13)  # 20:00 the evening before, written on another clock
    for at in (evening.astimezone(timezone(timedelta(hours=14))), local(PAST, "06:59"), local(PAST, "00:30")):
        with pytest.raises(UserError, match="a time keyed in must be between 2026-03-14 07:00 and 2026-03-15 00:00"):
            attendance.check_in(workspace, sid, codes[0], at=at)
    assert attendance.attendance_log_entries(workspace, sid) == []
    assert attendance.check_in(workspace, sid, codes[0], at=local(PAST, "07:00")).accepted  # the window's start


def test_a_session_late_in_the_evening_takes_times_after_midnight(workspace: Workspace) -> None:
    sid, codes = session(workspace, start="22:00")
    assert attendance.check_out(workspace, sid, codes[0], at=local(PAST, "21:00")).person is not None
    assert attendance.check_in(workspace, sid, codes[1], at=local(PAST + timedelta(days=1), "01:30")).accepted
    with pytest.raises(UserError, match="not on the session's date"):
        attendance.check_in(workspace, sid, codes[1], at=local(PAST + timedelta(days=1), "10:30"))


SHARED: dict[int, tuple[str, list[str]]] = {}  # one session for every example of the property below


OFFSETS = st.none() | st.builds(timezone, st.timedeltas(min_value=-timedelta(hours=23), max_value=timedelta(hours=23)))
MOMENTS = st.one_of(
    st.datetimes(min_value=datetime(2026, 3, 12), max_value=datetime(2026, 3, 17), timezones=OFFSETS),  # near it
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59), timezones=OFFSETS),
    st.builds(lambda moment, zone: moment.replace(tzinfo=zone),  # the ends of time, where clocks overflow
              st.sampled_from([datetime(1, 1, 1), datetime(1, 1, 1, 23, 59), datetime(9999, 12, 31, 23, 59)]),
              OFFSETS))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=MOMENTS)
def test_any_time_is_taken_only_inside_the_window_and_never_crashes(workspace: Workspace, at: datetime) -> None:
    sid, codes = SHARED.get(id(workspace)) or SHARED.setdefault(id(workspace), session(workspace))
    earliest, latest = local(PAST, "07:00"), local(PAST + timedelta(days=1), "00:00")
    near = abs((at.date() - PAST).days) <= 2
    inside = near and earliest <= (at if at.tzinfo else at.astimezone()) < latest
    try:
        attendance.check_in(workspace, sid, codes[0], at=at)
    except UserError as exc:
        assert not inside and str(exc).startswith(at.isoformat(timespec="minutes"))
    else:
        assert inside


def test_cli_at_outside_the_window_or_at_the_ends_of_time_is_a_message(capsys, workspace: Workspace) -> None:
    sid, codes = session(workspace)
    for at in ("0001-01-01T00:00", "0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00", "03:00"):
        code, out, err = cli(capsys, "checkin", sid, "--code", codes[0], "--at", at)
        assert (code, out) == (1, "") and err.startswith("facilitator: ") and err.count("\n") == 1, err
        code, out, err = cli(capsys, "run", "start", sid, "welcome", "--at", at)
        assert (code, out) == (1, "") and err.startswith("facilitator: ") and err.count("\n") == 1, err
    assert "between 2026-03-14 07:00 and 2026-03-15 00:00" in err
    assert cli(capsys, "run", "start", sid, "welcome", "--at", "08:55")[0] == 0
    with pytest.raises(SystemExit):
        main(["checkin", "--help"])
    assert "2 hours before the planned start" in " ".join(capsys.readouterr().out.split())


# --- --grace-minutes --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes", [-1, 121, 100_000, 10**30])
def test_a_grace_period_outside_0_to_120_minutes_is_refused(workspace: Workspace, minutes: int) -> None:
    with pytest.raises(UserError, match=f"the grace period must be 0 to 120 minutes, not {minutes}"):
        session(workspace, grace_minutes=minutes)
    assert get_session(workspace, session(workspace, grace_minutes=120)[0]).grace_minutes == 120


def test_cli_grace_minutes_that_overflow_are_a_message(capsys, data_dir: Path) -> None:
    code, out, err = cli(capsys, "session", "create", "--workshop", "allyship", "--date", "2026-03-14", "--start",
                         "09:00", "--location", "Depot", "--trainer", "Sam", "--jurisdiction", "none",
                         "--grace-minutes", "99999999999999999999999")
    assert (code, out) == (1, "") and "--grace-minutes from 0 to 120" in err and err.count("\n") == 1


# --- files that are not files, or far too large -----------------------------------------------------------------

@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging) if the block takes longer: an open() on a pipe would wait for ever."""
    import signal

    def late(*_: object) -> None:
        raise TimeoutError(f"still busy after {seconds} s")

    before = signal.signal(signal.SIGALRM, late)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)


@pytest.fixture
def pipe(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(tmp_path / "pipe")
    return tmp_path / "pipe"


def linked(tmp_path: Path, target: Path, name: str) -> Path:
    (tmp_path / name).symlink_to(target)
    return tmp_path / name


def _verify(ws: Workspace, path: Path) -> object:
    from facilitator.services.verification import verify

    return verify(ws, str(path))


def _trust(ws: Workspace, path: Path) -> object:
    from facilitator.services.verification import trusted_certificates

    return trusted_certificates(ws, [path])


def _install(ws: Workspace, path: Path) -> object:
    from facilitator.services.identity import install_certificate

    return install_certificate(ws, path)


READERS = {  # what reads a file a user names: the name it is given, and the error its refusal is
    "roster": (".csv", lambda ws, path: read_table(path), RosterFileError),
    "workshop": (".yaml", lambda ws, path: yamlfile.read_yaml(path), ContentError),
    "verify": (".pdf", _verify, UserError),
    "trust": (".pem", _trust, UserError),
    "install-cert": (".pem", _install, UserError),
    "logo": (".png", lambda ws, path: set_setting(ws, "logo", str(path)), UserError),
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_pipe_a_folder_or_a_huge_file_is_refused_quickly_by_name(workspace: Workspace, tmp_path: Path, pipe: Path,
                                                                   reader: str) -> None:
    suffix, read, error = READERS[reader]
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    huge = tmp_path / f"huge{suffix}"
    with huge.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)  # sparse: larger than any reader's limit, and no disk used
    for path in (linked(tmp_path, pipe, f"named{suffix}"), folder, huge):
        with deadline(10), pytest.raises(error) as refused:  # a pipe must not be waited on
            read(workspace, path)
        said = str(refused.value)
        assert str(path) in said, said
        if path == huge:
            assert "larger than" in said
        elif path != folder and reader != "logo":  # a logo that is not a file is "not a PNG or JPEG file"
            assert "named pipe" in said


# One child process runs every command below under a time and memory limit: on a regression a device would be
# read until memory runs out, and that must fail this test, not the computer.
DRIVER = r"""
import contextlib, io, json, resource, signal, sys, traceback
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
def late(*_):
    raise TimeoutError("still busy after 20 s")
signal.signal(signal.SIGALRM, late)
from facilitator.cli import main
results = []
for words in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    signal.alarm(20)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(words)
    except BaseException as exc:
        code = "".join(traceback.format_exception(exc))[-3000:]
    finally:
        signal.alarm(0)
    results.append({"words": words, "code": code, "out": out.getvalue(), "err": err.getvalue()})
print(json.dumps(results))
"""


def run_isolated(commands: list[list[str]]) -> list[dict[str, object]]:
    done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(commands)], capture_output=True, text=True,
                          timeout=600, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.skipif(not Path("/dev/zero").exists() or not hasattr(os, "mkfifo"), reason="POSIX devices and pipes")
def test_no_command_reads_a_device_or_a_pipe_given_as_a_file(workspace: Workspace, tmp_path: Path,
                                                             pipe: Path) -> None:
    sid, _ = session(workspace)
    commands = []
    for device in ("/dev/zero", "/dev/urandom", str(pipe)):
        kind = Path(device).name
        bait = {suffix: str(linked(tmp_path, Path(device), f"{kind}-bait{suffix}"))
                for suffix in (".csv", ".xlsx", ".yaml", ".pdf", ".pem", ".png")}
        commands += [["roster", "import", sid, device], ["roster", "import", sid, bait[".csv"]],
                     ["roster", "import", sid, bait[".xlsx"]], ["content", "check", bait[".yaml"]],
                     ["content", "check", device], ["verify", bait[".pdf"]], ["verify", sid, "--trust", bait[".pem"]],
                     ["keys", "install-cert", bait[".pem"]], ["settings", "set", "logo", bait[".png"]]]
    data_dir = ["--data-dir", str(workspace.data_dir)]
    for result in run_isolated([data_dir + words for words in commands]):
        said = str(result["out"]) + str(result["err"])
        assert result["code"] == 1, result
        assert "Traceback" not in said and said.strip(), result
        words = list(result["words"])[2:]  # type: ignore[call-overload]  # after --data-dir FOLDER
        named = [w for w in words if w.startswith(("/dev/", str(tmp_path)))]
        assert named[0] in said, result


# --- .xlsx: zip bombs, too many cells, formulas with no saved result --------------------------------------------

def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    """The workbook with some of its parts replaced (or added), packed as tightly as zlib can."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name in source.namelist():
            target.writestr(name, change.get(name, source.read(name)))
        for name in set(change) - set(source.namelist()):
            target.writestr(name, change[name])
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
HEADER = [["First name", "Last name", "Employee ID"], ["Ana", "Díaz", "E1"]]


@pytest.mark.parametrize("part", [SHEET, "xl/sharedStrings.xml", "xl/media/padding.bin"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     part: str) -> None:
    data = workbook(HEADER)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    filler = b"<!--" + b"A" * (64 * 1024 * 1024) + b"-->"  # 64 MB that packs into about 64 KB
    padded = sheet.replace(b"</worksheet>", filler + b"</worksheet>") if part == SHEET else filler
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rezip(data, {part: padded}))
    assert path.stat().st_size < 1024 * 1024

    def never(*_: object, **__: object) -> None:
        raise AssertionError("openpyxl opened it")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(RosterFileError, match="zip bomb") as refused:
        read_table(path)
    assert str(refused.value).startswith(f"{path}: ")


def test_a_sheet_with_millions_of_cells_is_refused(tmp_path: Path) -> None:
    data = workbook(HEADER)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    far = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Al</t></is></c><c r="XFD%d" t="inlineStr"><is><t>x'
                   b"</t></is></c></row>" % (n, n, n) for n in range(3, 200))  # each row 16,384 cells wide
    path = tmp_path / "wide.xlsx"
    path.write_bytes(rezip(data, {SHEET: sheet.replace(b"</sheetData>", far + b"</sheetData>")}))
    with pytest.raises(RosterFileError, match="more than 2,000,000 cells"):
        read_table(path)


def test_a_formula_with_no_saved_result_is_named_by_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(workbook([*HEADER, ["=A2", "Li", "E2"], ["Cy", "Ng", '=IF(1=1,"","x")']]))  # never calculated
    parsed = parse_roster(read_table(path))
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "First name"), (4, "Employee ID")]
    assert all("formula whose result was never saved" in p.message for p in parsed.problems)
    assert [r.person.last_name for r in parsed.people] == ["Díaz"]
    # A formula whose saved result is empty text (Excel writes t="str" and an empty value) is an empty cell.
    data = path.read_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    calculated = sheet.replace(b'<c r="C4"><f>', b'<c r="C4" t="str"><f>')
    assert calculated != sheet
    path.write_bytes(rezip(data, {SHEET: calculated}))
    parsed = parse_roster(read_table(path))
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "First name")]
    assert parsed.people[1].person.employee_id is None


# --- YAML alias bombs --------------------------------------------------------------------------------------------

def alias_bomb(width: int, depth: int, flow: bool) -> str:
    lines = [f"l0: &l0 [{', '.join(['x'] * width)}]"]
    for level in range(1, depth + 1):
        refs = [f"*l{level - 1}"] * width
        if flow:
            lines.append(f"l{level}: &l{level} [{', '.join(refs)}]")
        else:
            lines.append(f"l{level}: &l{level}\n" + "\n".join(f"  - {ref}" for ref in refs))
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None)
@given(width=st.integers(2, 12), depth=st.integers(4, 40), flow=st.booleans(), at=st.sampled_from(["top", "title"]))
def test_an_alias_bomb_is_refused_after_little_work(width: int, depth: int, flow: bool, at: str) -> None:
    while width ** (depth + 1) <= 200_000:  # make it a bomb: far more values than any workshop
        depth += 1
    bomb = alias_bomb(width, depth, flow)
    text = bomb if at == "top" else TINY.replace("title: A tiny workshop\n", "title: A tiny workshop\nextra:\n" +
                                                 "".join("  " + line + "\n" for line in bomb.splitlines()))
    visits = 0
    real = yamlfile._reject_duplicate_keys

    def counted(path: Path, node: object) -> None:  # it walks the tree unshared: as long as the expansion
        nonlocal visits
        visits += 1
        if visits > 50_000:
            raise AssertionError("the aliases are being expanded")
        real(path, node)

    yamlfile._reject_duplicate_keys = counted
    try:
        with pytest.raises(ContentError) as refused:
            parse_workshop(text, Path("bomb.yaml"), frozenset({"definition", "examples"}))
    finally:
        yamlfile._reject_duplicate_keys = real
    [problem] = refused.value.problems
    assert "aliases" in problem.message and problem.line is not None and "alias" in problem.fix


@pytest.mark.parametrize("text", ["a: &a [1, *a]\n", "&a {b: [*a]}\n"])
def test_an_alias_inside_its_own_anchor_is_refused_and_a_few_aliases_still_load(text: str) -> None:
    with pytest.raises(ContentError, match="refers to a value that contains it"):
        yamlfile.parse_yaml(text, Path("loop.yaml"))
    text = TINY.replace("topics: [definition]", "topics: &both [definition, examples]").replace(
        "topics: [examples]", "topics: *both")
    workshop = parse_workshop(text, Path("aliases.yaml"), frozenset({"definition", "examples"}))
    assert workshop.segments[1].topics == ["definition", "examples"]


# --- roster text: invisible characters, NFC, mixed encodings ----------------------------------------------------

def roster_file(tmp_path: Path, rows: list[list[str]], header: tuple[str, ...] = ("First", "Last", "Employee ID"),
                encoding: str = "utf-8") -> Path:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([list(header), *rows])
    path = tmp_path / "roster.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    return path


HIDDEN = ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
          "\u2068", "\u2069", "\u200b", "\u2060", "\ufeff", "\u00ad", "\u180e", "\U000e0041"]
LETTERS = st.text(st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=LETTERS, hidden=st.sampled_from(HIDDEN), where=st.integers(0, 12), column=st.integers(0, 2))
def test_any_value_with_an_invisible_or_direction_character_is_refused_with_its_row(
        tmp_path: Path, name: str, hidden: str, where: int, column: int) -> None:
    cells = ["Zoë", "Ng", "E7"]
    cells[column] = cells[column][:where] + hidden + cells[column][where:] if column else name[:where] + hidden + \
        name[where:]
    parsed = parse_roster(read_table(roster_file(tmp_path, [["Al", "Li", "E1"], cells])))
    [problem] = parsed.problems
    assert (problem.row, problem.column) == (3, ["First", "Last", "Employee ID"][column])
    assert f"U+{ord(hidden):04X}" in problem.message
    assert [r.person.first_name for r in parsed.people] == ["Al"]


def test_an_invisible_character_cannot_defeat_duplicate_detection(tmp_path: Path) -> None:
    parsed = parse_roster(read_table(roster_file(tmp_path, [["Al", "Li", "E1"], ["Al", "Li", "E1\u200b"],
                                                            ["Bo", "Ng", "\u00c91"], ["Bo", "Ng", "E\u03011"]])))
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "Employee ID"), (5, "Employee ID")]
    assert "is also on row 4" in parsed.problems[1].message
    assert [r.person.employee_id for r in parsed.people] == ["E1", "\u00c91"]  # stored composed (NFC)


def test_a_joiner_is_kept_only_where_a_script_joins_with_it(tmp_path: Path) -> None:
    persian = "\u0646\u06cc\u06a9\u200c\u0646\u0627\u0645"  # a surname written with a zero-width non-joiner
    parsed = parse_roster(read_table(roster_file(tmp_path, [["Sara", persian, "E1"], ["Al\u200dan", "Li", "E2"],
                                                            ["Bo", "Ng", "E\u200c3"]])))
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "First"), (4, "Employee ID")]
    assert [r.person.last_name for r in parsed.people] == [persian]


def test_a_walk_in_is_checked_the_same_way(workspace: Workspace) -> None:
    from facilitator.services.roster import add_walk_in

    sid, _ = session(workspace)
    with pytest.raises(UserError, match="U\\+200F"):
        add_walk_in(workspace, sid, "Al\u200f", "Li")
    assert add_walk_in(workspace, sid, "Jose\u0301", "Li").first_name == "Jos\u00e9"


# Names as HR files hold them. (Letter soup such as "ÅÅÅÅ" is read as another code page altogether, Japanese
# half-width katakana here, and a file in one code page is no mixture.)
WESTERN = st.sampled_from(["José", "Zoë", "Renée", "Müller", "Núñez", "Søren", "Åsa", "François", "Björk", "Çelik",
                           "Ana", "Bo", "Li", "O'Neil", "Émile", "Fernández", "Šimon", "Žofie"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(WESTERN, WESTERN, st.booleans()), min_size=2, max_size=8))
def test_a_file_mixing_utf8_and_windows_1252_rows_is_refused_with_a_row(tmp_path: Path,
                                                                       rows: list[tuple[str, str, bool]]) -> None:
    """Rows are written in UTF-8 (True) or Windows-1252 (False); mixed, the file is refused naming rows of both."""
    def beyond_ascii(first: str, last: str) -> bool:
        return not (first + last).isascii()

    data = b"First,Last\r\n"
    for first, last, utf8 in rows:
        data += f"{first},{last}\r\n".encode("utf-8" if utf8 else "cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    utf8_rows = {n for n, (f, s, u) in enumerate(rows, start=2) if u and beyond_ascii(f, s)}
    legacy_rows = {n for n, (f, s, u) in enumerate(rows, start=2) if not u and beyond_ascii(f, s)}
    if utf8_rows and legacy_rows:
        with pytest.raises(RosterFileError) as refused:
            read_table(path)
        message = str(refused.value)
        assert message.startswith(f"{path}: row ") and "mixes two text encodings" in message
        named = [int(word) for word in message.replace(",", " ").replace(":", " ").split() if word.isdigit()]
        assert {named[0], named[1]} & utf8_rows and {named[0], named[1]} & legacy_rows
    else:  # one encoding throughout (which one short files are, is test_roster_file's business): no mixture
        try:
            read_table(path)
        except RosterFileError as exc:
            assert "encodings" not in str(exc) and "not UTF-8 like" not in str(exc)


def test_a_utf8_marked_file_with_a_windows_1252_row_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "marked.csv"
    path.write_bytes(b"\xef\xbb\xbfFirst,Last\r\nAl,Li\r\n" + "Zoë,Ng\r\n".encode("cp1252"))
    with pytest.raises(RosterFileError, match="row 3 is not UTF-8 like the rest of the file"):
        read_table(path)


# --- the logo -------------------------------------------------------------------------------------------------

def png_header(width: int, height: int) -> bytes:
    """A PNG whose header says `width` by `height` (its pixels are never there: only the header may be read)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("size", [(20000, 20000), (8000, 6000)])
def test_a_logo_too_large_to_print_is_refused_from_its_header(workspace: Workspace, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              size: tuple[int, int]) -> None:
    from PIL import ImageFile

    def never(*_: object) -> None:
        raise AssertionError("the logo's pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    path = tmp_path / "logo.png"
    path.write_bytes(png_header(*size))
    with pytest.raises(UserError, match="too large to print") as refused:
        set_setting(workspace, "logo", str(path))
    assert str(path) in str(refused.value)
    path.write_bytes(png_header(600, 200))
    assert set_setting(workspace, "logo", str(path)).logo == str(path.resolve())


def test_the_window_and_the_reader_refuse_without_the_clock_or_memory(tmp_path: Path) -> None:
    """The pieces on their own: a moment before a session's day and a read past a limit, each a clear refusal."""
    from facilitator.files import FileTooLarge, NotARegularFile, read_bounded
    from facilitator.services.paper_times import check_at, day_window

    assert day_window(PAST, time(1, 0))[0] == local(PAST, "00:00")  # never the evening before
    with pytest.raises(UserError, match="in the future"):
        check_at(datetime(2026, 3, 14, 9, 30), PAST, time(9), now=datetime(2026, 3, 14, 9, 0).astimezone(UTC))
    (tmp_path / "ten").write_bytes(b"0123456789")
    assert read_bounded(tmp_path / "ten", 10) == b"0123456789"
    with pytest.raises(FileTooLarge):
        read_bounded(tmp_path / "ten", 9)
    with pytest.raises(NotARegularFile) as refused:
        read_bounded(tmp_path, 9)
    assert refused.value.kind == "folder"


def test_a_huge_cell_is_told_as_a_huge_cell_not_a_quoting_slip(tmp_path: Path) -> None:
    from facilitator.content.roster_file import RosterFileError, read_table

    path = tmp_path / "roster.csv"
    path.write_text("First Name,Last Name\n" + "x" * 200_000 + ",Díaz\n", encoding="utf-8")
    with pytest.raises(RosterFileError) as raised:
        read_table(path)
    assert "over 131072 characters" in str(raised.value) and "quotes" not in str(raised.value)
