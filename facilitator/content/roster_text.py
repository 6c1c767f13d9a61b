"""Reading a roster file's bytes, and a text roster's encoding and CSV dialect (HR's employee list is read the same
way, with its own limits and words: a `ListKind`).

The bytes are refused early when they plainly are not a roster (too big, an image, an old Excel file). A text
file's encoding is found from its byte-order mark, else from its bytes (Excel's "CSV" on Windows is in the ANSI
code page), and its delimiter from which one splits the top rows into a recognisable header.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from itertools import islice
from pathlib import Path

from charset_normalizer import from_bytes

from facilitator.content.roster_columns import guess_mapping
from facilitator.content.roster_table import (
    HEADER_SEARCH_ROWS,
    ROSTER,
    TEXT_SUFFIXES,
    WORKBOOK_SUFFIXES,
    ListKind,
    RawRow,
    RosterFileError,
)
from facilitator.files import FOLDER, FileTooLarge, NotARegularFile, read_bounded
from facilitator.i18n import N_, _

# --- the bytes -------------------------------------------------------------------------------------------


def read_bytes(path: Path, list_kind: ListKind = ROSTER) -> bytes:
    """The file's bytes; RosterFileError if it cannot be read or is plainly not a list of people of `list_kind`."""
    suffix = path.suffix.lower()
    words = _words(list_kind)
    if suffix in {".xls", ".ods", ".numbers"}:
        raise RosterFileError(_("{file}: '{suffix}' files cannot be read; save {the_list} as .xlsx or as CSV "
                                "UTF-8").format(file=path, suffix=suffix, **words))
    if suffix not in TEXT_SUFFIXES | WORKBOOK_SUFFIXES:
        raise RosterFileError(_("{file}: is not {a_list} file (it should end in .csv or .xlsx); save {the_list} "
                                "as .xlsx or as CSV UTF-8").format(file=path, **words))
    try:
        data = read_bounded(path, list_kind.max_bytes)
    except FileTooLarge:
        raise RosterFileError(_("{file}: is larger than {size} MB, far more than {a_list}; check that this "
                                "is the right file").format(file=path, size=list_kind.max_bytes // (1024 * 1024),
                                                            **words)) from None
    except FileNotFoundError:
        raise RosterFileError(_("{file}: does not exist; check the file name and folder").format(file=path)
                              ) from None
    except NotARegularFile as exc:
        if exc.kind == FOLDER:
            raise RosterFileError(_("{file}: is a folder; choose {the_list} file inside it").format(
                file=path, **words)) from None
        raise RosterFileError(_("{file}: cannot be read as {a_list} ({reason}); choose {source}").format(
            file=path, reason=exc.strerror, **words)) from None
    except OSError as exc:
        raise RosterFileError(_("{file}: cannot be read ({reason}); check the path and permissions").format(
            file=path, reason=exc.strerror)) from exc
    if not data.strip():
        raise empty(path, list_kind)
    _refuse_known_binaries(path, data, list_kind)
    return data


def empty(path: Path, list_kind: ListKind = ROSTER) -> RosterFileError:
    return RosterFileError(_("{file}: is empty; export {the_list} again").format(file=path, **_words(list_kind)))


def _words(list_kind: ListKind) -> dict[str, str]:
    """The list's words, translated, as the messages' fields name them."""
    return {"a_list": _(list_kind.a_list), "the_list": _(list_kind.the_list), "source": _(list_kind.source)}


# Files people pick by mistake, told apart by their first bytes so the message can say what they are. Other
# binary files are caught later by their zero bytes.
_SIGNATURES = ((b"\x89PNG", N_("a PNG image")), (b"\xff\xd8\xff", N_("a JPEG image")), (b"GIF8", N_("a GIF image")),
               (b"%PDF-", N_("a PDF document")), (b"\x1f\x8b", N_("a gzip archive")), (b"Rar!", N_("a RAR archive")),
               (b"7z\xbc\xaf", N_("a 7-Zip archive")))


def _refuse_known_binaries(path: Path, data: bytes, list_kind: ListKind) -> None:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError(_("{file}: is an old-style Excel (.xls) or password-protected workbook; open it in "
                                "Excel, remove any password and save it as .xlsx or as CSV UTF-8").format(file=path))
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise RosterFileError(_("{file}: is {what}, not {a_list}; choose {source}").format(
                file=path, what=_(what), **_words(list_kind)))


# --- the encoding ----------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Excel's "CSV" on Windows is in the ANSI code page, Windows-1252 wherever Western names are written. On
# short files charset-normalizer's guess is unreliable ("José" alone reads as UTF-16, "Zoë" as Urdu), so
# another code page wins only when there is enough text to judge (EVIDENCE_BYTES beyond ASCII) and that text
# reads as gibberish in Windows-1252 (charset-normalizer's mess above WESTERN_MESS: Western names score
# near 0, Cyrillic, Greek or Japanese read as Windows-1252 above 1).
EVIDENCE_BYTES = 16
WESTERN_MESS = 0.6
# Code pages a spreadsheet program actually writes; charset-normalizer's other candidates (DOS and Macintosh
# pages, Urdu, ...) only ever win by accident. ISO 8859-1 is left out too: Windows-1252 is the same where it
# matters and has letters (the euro sign, curly quotes) where 8859-1 has invisible controls.
_PLAUSIBLE = re.compile(r"^(cp125\d|cp874|cp932|cp936|cp949|cp950|big5|gb2312|gb18030|gbk|shift_jis|euc_jp|"
                        r"euc_kr|iso2022_jp|koi8_r|koi8_u|iso8859_([2-9]|1[0-6]))$")
_HIGH_BYTES = bytes(range(0x80, 0x100))


def decode(path: Path, data: bytes, list_kind: ListKind = ROSTER) -> tuple[str, str]:
    """The file's text (without a byte-order mark) and the encoding it was read in."""
    _refuse_mixed_encodings(path, data, list_kind)
    encoding = _detect_encoding(path, data, list_kind)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _not_text(path, list_kind) from exc
    return text.removeprefix("\ufeff"), encoding


def _detect_encoding(path: Path, data: bytes, list_kind: ListKind) -> str:
    """UTF with a byte-order mark; else UTF-8 if the bytes are UTF-8; else Excel's Windows-1252 unless
    the text plainly is another language's code page."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if _decodes(data, "utf-8"):
        return "utf-8"
    if b"\x00" in data:
        return _utf16_without_bom(path, data, list_kind)
    # Judge the letters only: a stray control character (reported later with its row) would otherwise
    # make every code page look wrong. Multi-byte Asian encodings never use these bytes inside a character.
    letters = re.sub(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", b"", data)
    western = _decodes(letters, "cp1252")
    if western and not _plainly_not_western(letters):
        return "windows-1252"
    guess = from_bytes(letters).best()
    if guess is not None and _PLAUSIBLE.match(guess.encoding):
        return _friendly_codec(guess.encoding)
    if western:
        return "windows-1252"
    raise _not_text(path, list_kind)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _plainly_not_western(data: bytes) -> bool:
    if len(data) - len(data.translate(None, _HIGH_BYTES)) < EVIDENCE_BYTES:
        return False
    match = from_bytes(data, cp_isolation=["cp1252"], threshold=1.0).best()
    return match is None or match.chaos > WESTERN_MESS


def _utf16_without_bom(path: Path, data: bytes, list_kind: ListKind) -> str:
    """Text with zero bytes is UTF-16 only if every other byte is zero (Latin text); otherwise it is binary."""
    pairs = len(data) // 2
    odd_zeros, even_zeros = data[1::2].count(0), data[0::2].count(0)
    if len(data) % 2 == 0 and pairs:
        if odd_zeros > pairs * 0.3 and even_zeros < pairs * 0.05:
            return "utf-16-le"
        if even_zeros > pairs * 0.3 and odd_zeros < pairs * 0.05:
            return "utf-16-be"
    raise RosterFileError(_("{file}: is not a text file (it holds binary data); choose {source}").format(
        file=path, **_words(list_kind)))


UTF_8, WINDOWS_1252 = "UTF-8", "Windows-1252"  # not user text: the encodings' names, the same in every language
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, as "surrogateescape" keeps them
_UNICODE = re.compile("[\u0080-\udc7f\udd00-\U0010ffff]")  # text beyond ASCII that was read as UTF-8


def _refuse_mixed_encodings(path: Path, data: bytes, list_kind: ListKind) -> None:
    """Rows in UTF-8 and rows in Windows-1252 in one file (two exports pasted together, or a UTF-8 file edited in
    an old program): whichever encoding it is read in, some names would be imported garbled, so say which row."""
    marked = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if marked else data
    if any(data.startswith(bom) for bom, name in _BOMS if name != "utf-8-sig") or b"\x00" in body:
        return  # UTF-16 or UTF-32, or binary: read (or refused) as such
    if body.isascii() or _decodes(body, "utf-8"):
        return
    lines = [line for line in body.split(b"\n") if not line.isascii()]
    legacy = b"\n".join(line for line in lines if not _decodes(line, "utf-8"))
    some_utf8 = any(_written_in_utf8(line) for line in lines)
    if not marked and (not some_utf8 or not _decodes(legacy, "cp1252") or _plainly_not_western(legacy)):
        return  # one other code page throughout (a Cyrillic or Japanese export, say): not a mixture
    records, _delimiter = read_csv(path, body.decode("utf-8", "surrogateescape"), list_kind)
    legacy_row = next((r.row for r in records if any(_ESCAPED.search(c) for c in r.cells)), None)
    unicode_row = next((r.row for r in records if any(_UNICODE.search(c) for c in r.cells)), None)
    if legacy_row is None:
        return
    other = WINDOWS_1252 if _decodes(legacy, "cp1252") else _("another encoding")
    if unicode_row is None or unicode_row == legacy_row:
        raise RosterFileError(_("{file}: row {row} is not UTF-8 like the rest of the file (it is in {encoding}), so "
                                "its names would be garbled; export all of {the_list} again as CSV UTF-8, or retype "
                                "the names in row {row}").format(file=path, row=legacy_row, encoding=other,
                                                                 **_words(list_kind)))
    legacy_count = sum(1 for r in records if any(_ESCAPED.search(c) for c in r.cells))
    unicode_count = sum(1 for r in records if any(_UNICODE.search(c) for c in r.cells))
    row, encoding, other_row, other_encoding = (legacy_row, other, unicode_row, UTF_8) \
        if legacy_count <= unicode_count or marked else (unicode_row, UTF_8, legacy_row, other)
    raise RosterFileError(_("{file}: row {row} is in {encoding} but row {other} is in {other_encoding}: the file "
                            "mixes two text encodings, so the names in some rows would be garbled; export all of "
                            "{the_list} again as CSV UTF-8, or retype the names in row {row}").format(
        file=path, row=row, encoding=encoding, other=other_row, other_encoding=other_encoding, **_words(list_kind)))


# Where the letters of a UTF-8 row of a Western roster fall: Latin with its accents, Greek and Cyrillic, and
# punctuation. Windows-1252 text forms valid UTF-8 only by accident, and then (but for mojibake such as "Ã©",
# which is garbled already) as letters far outside these ("ë", an en dash and "€" read as one Hangul syllable).
_WESTERN_UTF8 = re.compile("[\u00a0-\u052f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf]")


def _written_in_utf8(line: bytes) -> bool:
    """Whether a line beyond ASCII reads as UTF-8 letters a Western roster holds."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    beyond = [c for c in text if not c.isascii()]
    return bool(beyond) and all(_WESTERN_UTF8.match(c) for c in beyond)


def _friendly_codec(name: str) -> str:
    return re.sub(r"^cp(125\d)$", r"windows-\1", name)


def _not_text(path: Path, list_kind: ListKind) -> RosterFileError:
    return RosterFileError(_("{file}: is not text in any encoding we recognise; in Excel use File > Save As > "
                             "'CSV UTF-8', or export {the_list} as .xlsx").format(file=path, **_words(list_kind)))


# --- the CSV dialect -------------------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t", "|")  # in order of preference when two fit equally well
_SEP_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)  # Excel's hint line; Excel itself hides it


def read_csv(path: Path, text: str, list_kind: ListKind = ROSTER) -> tuple[list[RawRow], str]:
    """Every record of a text roster (a quoted cell may span lines), and the delimiter it was split at."""
    hint = _SEP_LINE.match(text)
    if hint:
        text = text[hint.end():]
    delimiter = hint.group(1) if hint else _detect_delimiter(text)
    records: list[RawRow] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            records.append(RawRow(number, cells))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # not a quoting slip: one cell is far longer than any name
            raise RosterFileError(_("{file}: row {row} has a cell over {limit} characters long, which no value in "
                                    "{a_list} is; check that this is {the_list} file, or remove that cell").format(
                file=path, row=len(records) + 1, limit=csv.field_size_limit(), **_words(list_kind))) from exc
        raise RosterFileError(_("{file}: row {row} cannot be read ({reason}); check the quotes in that row").format(
            file=path, row=len(records) + 1, reason=exc)) from exc
    _refuse_unclosed_quote(path, text, delimiter, records)
    return records, delimiter


def _detect_delimiter(text: str) -> str:
    """The delimiter under which the top rows hold a recognisable header, and which splits the most of them
    into the same number (more than one) of columns.

    csv.Sniffer guesses wrong on rosters whose names contain commas; counting whole parsed rows does not,
    because the csv module keeps quoted delimiters inside their cells.
    """
    best, best_score = ",", (0, 0, 0)
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            rows = [r for r in islice(reader, 50) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        header_fields = max((len(guess_mapping(r)) for r in rows[:HEADER_SEARCH_ROWS]), default=0)
        width, count = Counter(len(r) for r in rows).most_common(1)[0] if rows else (0, 0)
        score = (header_fields, count, width) if width > 1 else (header_fields, 0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _refuse_unclosed_quote(path: Path, text: str, delimiter: str, records: list[RawRow]) -> None:
    """A quote that is never closed swallows the rest of the file into one cell; the csv module allows it."""
    if not records or not any("\n" in c or "\r" in c for c in records[-1].cells):
        return  # the cheap test: only a last row with a line break in a cell can be an unclosed quote
    try:
        for _row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        raise RosterFileError(_("{file}: row {row}: a quote (\") opened in this row is never closed, so the rest "
                                "of the file would be read as one cell; close or remove the quote").format(
            file=path, row=records[-1].row)) from None
