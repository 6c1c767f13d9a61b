"""The visible signature stamp on a certificate, set like the page it sits on.

pyHanko draws the stamp while it signs (records/pdf_signing.py asks for it by signer name and signing time). Its
own text stamps set their text in a built-in Courier or Helvetica with WinAnsi glyphs only, so the stamp here is
drawn by hand instead: in the bundled DejaVu Sans the certificate is set in, fitted with the page's own rules
(documents/text.py: shrink, then wrap, then scale the block — never clipped), in the page's small-print sizes and
colours, framed by a hairline like the page's rules. The font is embedded as a TrueType subset made by
ReportLab's subsetter, the one that embeds DejaVu in the page itself: the same outlines and the same widths.

A name the font cannot print (Chinese, Arabic…) is left off the stamp rather than shown as empty boxes or
backwards; readers show the signer from the certificate all the same. The font file is read once per process and
each distinct subset made once (a batch has one signer), so a stamp costs no more than pyHanko's own did.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import BaseStamp, BaseStampStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFontFace, makeToUnicodeCMap

from facilitator import paths
from facilitator.documents.certificate import HAIRLINE
from facilitator.documents.text import (
    ASCENT,
    FONT_FILES,
    INK,
    LINE_HEIGHT,
    MUTED,
    SANS,
    Line,
    Piece,
    Rgb,
    block_height,
    fit_block,
    human_date,
    printable,
    register_fonts,
    width_of,
)
from facilitator.i18n import _

FRAME: Rgb = HAIRLINE  # the colour of the certificate's rules around its strip of facts
FRAME_WIDTH = 0.6  # as thick as the rules around the certificate's strip of facts
PAD_X, PAD_Y = 2.5 * mm, 0.8 * mm  # between the frame and the text: the label and value fit at full size
FONT_RESOURCE = "/FacilitatorStampFont"  # not user text: the font's name inside the stamp's resources


def stamp_pieces(signer_name: str, signed_at: datetime) -> list[Piece]:
    """What the stamp says, as the certificate's strip of facts says things: a small capitalised label, then the
    value. The signing time is the trainer's local time with its offset from UTC, so it can never be misread."""
    local = signed_at.astimezone()
    when = {"date": human_date(local.date().isoformat()), "time": f"{local:%H:%M}", "zone": _utc_offset(local)}
    name = unicodedata.normalize("NFC", " ".join(signer_name.split()))
    label, value = _("Digitally signed by"), _("{signer} · {date}, {time} {zone}").format(signer=name, **when)
    if not printable(name) or len(set(label.upper() + value)) > MAX_CHARACTERS:
        # Left off rather than printed as boxes or backwards; the signature's certificate names the signer.
        label, value = _("Digitally signed"), _("{date}, {time} {zone}").format(**when)
    return [Piece(label.upper(), SANS, 7, 5.5, space_after=1.2 * mm, color=MUTED),
            Piece(value, SANS, 8.5, 6, color=INK)]


def _utc_offset(moment: datetime) -> str:
    """'UTC', or 'UTC+02:00' / 'UTC-05:00': not a zone's abbreviation, which some systems spell out in full."""
    offset = moment.utcoffset()
    minutes = round(offset.total_seconds() / 60) if offset else 0
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '-'}{hours:02d}:{rest:02d}"  # not user text: the same in every language


def stamp_style(signer_name: str, signed_at: datetime) -> StampStyle:
    """The stamp for one signature (records/pdf_signing.py's `StampDrawing`)."""
    _font(SANS)  # read before the first stamp is fitted, which measures with the page's registered fonts
    return StampStyle(pieces=tuple(stamp_pieces(signer_name, signed_at)))


@dataclass(frozen=True)
class StampStyle(BaseStampStyle):
    """A pyHanko stamp style: these pieces of text, fitted into the signature's box."""

    pieces: tuple[Piece, ...] = ()
    border_width: int = 0  # pyHanko's own border would be black and straddle the box's edge: _Stamp draws one

    def create_stamp(self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict) -> _Stamp:
        return _Stamp(writer=writer, style=self, box=box)


class _Stamp(BaseStamp):
    """Draws the fitted lines at the left of the box, centred in its height, inside a hairline frame that fits
    them (the box spans the certificate's whole lower strip; a frame that wide would look like an empty form)."""

    style: StampStyle

    def _render_inner_content(self) -> list[bytes]:
        box_w, box_h = self.box.width, self.box.height
        lines = fit_block(self.style.pieces, box_w - 2 * PAD_X - FRAME_WIDTH, box_h - 2 * PAD_Y - FRAME_WIDTH)
        text_w = max((width_of(line.text, line.font, line.size) for line in lines), default=0.0)
        font, codes = _font(SANS).embed(self.writer, "".join(line.text for line in lines))
        self.set_resource(category=ResourceType.FONT, name=pdf_name(FONT_RESOURCE), value=font)
        half = FRAME_WIDTH / 2  # the frame's stroke stays inside the box, which clips the stamp
        frame_w = min(text_w + 2 * PAD_X + FRAME_WIDTH, box_w)
        commands = [b"q %s RG %s w %s %s %s %s re S Q" % (_rgb(FRAME), _num(FRAME_WIDTH), _num(half), _num(half),
                                                          _num(frame_w - FRAME_WIDTH), _num(box_h - FRAME_WIDTH))]
        commands.append(b"BT")
        top = (box_h + block_height(lines)) / 2
        for line in lines:
            commands.append(_show(line, PAD_X + half, top - line.size * ASCENT, codes))
            top -= line.size * LINE_HEIGHT + line.space_after  # as documents.text.draw_lines steps down
        commands.append(b"ET")
        return commands


def _show(line: Line, x: float, baseline: float, codes: dict[str, int]) -> bytes:
    encoded = bytes(codes[char] for char in line.text).hex().encode("ascii")
    return b"%s rg %s %s Tf 1 0 0 1 %s %s Tm <%s> Tj" % (_rgb(line.color or INK), FONT_RESOURCE.encode("ascii"),
                                                          _num(line.size), _num(x), _num(baseline), encoded)


def _rgb(rgb: Rgb) -> bytes:
    return b" ".join(_num(v) for v in rgb)


def _num(value: float) -> bytes:
    """A PDF number: plain decimals (PDF has no exponents), to a thousandth of a point."""
    return (b"%.3f" % value).rstrip(b"0").rstrip(b".") or b"0"


# --- the embedded font -----------------------------------------------------------------------------------------

SUBSETS_KEPT = 32  # distinct stamps' fonts kept made: a batch has one trainer, so one or two
MAX_CHARACTERS = 255  # a simple font's one-byte codes, less code 0 (the font's "missing" glyph)


@dataclass(frozen=True)
class _Subset:
    """What a stamp's font holds for one set of characters, made once: the parts that do not depend on the PDF."""

    name: str  # "ABCDEF+DejaVuSans"
    program: bytes  # the subset TrueType font, compressed
    length: int  # ...and its length before compression
    widths: tuple[generic.PdfObject, ...]  # of codes 0, 1, 2…, in thousandths of an em
    to_unicode: bytes  # the compressed map from codes back to text, so the stamp can be searched and copied
    codes: dict[str, int]  # each character's one-byte code


class _StampFont:
    """One of the bundled TrueType fonts, read once, embedded in each stamp as a subset of the characters it shows
    (a simple TrueType font with one-byte codes and a ToUnicode map, as ReportLab embeds it in the page).

    It has its own copy of ReportLab's parsed face, not the one the page is drawn with: ReportLab's subsetter reads
    the file through a shared cursor, so making a stamp in one thread must not move the cursor under a page being
    drawn in another. The lock keeps two stamps from doing the same to each other."""

    def __init__(self, path: str) -> None:
        self._face = face = TTFontFace(path)
        self._lock = threading.Lock()
        self._subsets: dict[tuple[str, ...], _Subset] = {}
        self._metrics = {"/Ascent": _number(face.ascent), "/CapHeight": _number(face.capHeight),
                         "/Descent": _number(face.descent), "/ItalicAngle": _number(face.italicAngle),
                         "/StemV": _number(face.stemV), "/MissingWidth": _number(face.defaultWidth),
                         "/Flags": generic.NumberObject(face.flags & ~FF_NONSYMBOLIC | FF_SYMBOLIC)}
        self._bbox = tuple(_number(v) for v in face.bbox)

    def embed(self, writer: BasePdfFileWriter, text: str) -> tuple[generic.IndirectObject, dict[str, int]]:
        """Add a font holding the characters of `text` to the PDF being written; returns it and each character's
        code in it."""
        subset = self._subset(tuple(sorted(set(text))))
        font_file = generic.StreamObject({pdf_name("/Length1"): generic.NumberObject(subset.length),
                                          pdf_name("/Filter"): pdf_name("/FlateDecode")}, encoded_data=subset.program)
        descriptor = generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/FontDescriptor"), pdf_name("/FontName"): pdf_name("/" + subset.name),
            **{pdf_name(key): value for key, value in self._metrics.items()},
            pdf_name("/FontBBox"): generic.ArrayObject(self._bbox),
            pdf_name("/FontFile2"): writer.add_object(font_file)})
        to_unicode = generic.StreamObject({pdf_name("/Filter"): pdf_name("/FlateDecode")},
                                          encoded_data=subset.to_unicode)
        font = generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/TrueType"),
            pdf_name("/BaseFont"): pdf_name("/" + subset.name), pdf_name("/FirstChar"): generic.NumberObject(0),
            pdf_name("/LastChar"): generic.NumberObject(len(subset.widths) - 1),
            pdf_name("/Widths"): generic.ArrayObject(subset.widths),
            pdf_name("/FontDescriptor"): writer.add_object(descriptor),
            pdf_name("/ToUnicode"): writer.add_object(to_unicode)})
        return writer.add_object(font), subset.codes

    def _subset(self, characters: tuple[str, ...]) -> _Subset:
        if len(characters) > MAX_CHARACTERS:
            raise ValueError(f"a stamp of {len(characters)} different characters")  # not user text: see stamp_pieces
        with self._lock:
            made = self._subsets.get(characters)
            if made is None:
                if len(self._subsets) >= SUBSETS_KEPT:
                    self._subsets.clear()
                made = self._subsets[characters] = self._make(characters)
            return made

    def _make(self, characters: tuple[str, ...]) -> _Subset:
        face = self._face
        unicodes = [0, *(ord(c) for c in characters)]  # code 0: the font's "missing" glyph, never shown
        name = f"{_tag(characters)}+{face.name.decode('ascii')}"
        program = face.makeSubset(unicodes)
        return _Subset(name=name, program=zlib.compress(program), length=len(program),
                       widths=tuple(_number(face.getCharWidth(u)) for u in unicodes),
                       to_unicode=zlib.compress(makeToUnicodeCMap(name, unicodes).encode("ascii")),
                       codes={c: code for code, c in enumerate(characters, start=1)})


def _tag(characters: tuple[str, ...]) -> str:
    """The subset's six capital letters (PDF's convention), the same for the same characters."""
    digest = hashlib.sha256("".join(characters).encode("utf-8")).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _number(value: float) -> generic.PdfObject:
    return generic.NumberObject(int(value)) if float(value).is_integer() else generic.FloatObject(round(value, 3))


@lru_cache(maxsize=4)
def _font(name: str) -> _StampFont:
    """The stamp's font, read once per process (and the page's fonts registered, which measure its text)."""
    register_fonts()
    return _StampFont(str(paths.assets_dir() / "fonts" / FONT_FILES[name]))
