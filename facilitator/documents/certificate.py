"""The certificate of completion: one landscape page per attendee, the record an HR department files.

It carries what the strictest combined record asks of a certificate (reference/compliance.md): attendee name
and employee id, employer, workshop title and type, topics, date, time attended, trainer, a unique id, the
jurisdictions whose requirements the session met with their citations, and a way to verify it — a QR code
holding the certificate's facts as a compact JWS, readable offline by any JOSE library.

The PDF is plain and unsigned; the services layer signs it afterwards (PAdES), with a visible stamp
(documents/signature_stamp.py, set like this page) in the strip `signature_note_box` leaves empty at the bottom
left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from PIL import Image
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from facilitator.documents import PRODUCT
from facilitator.documents.qr import LEVELS, draw_matrix, encode
from facilitator.documents.text import (
    BOLD,
    IN_PERSON,
    INK,
    MONO,
    MUTED,
    SANS,
    Line,
    Piece,
    Rgb,
    block_height,
    check_paper,
    draw_lines,
    duration,
    fill,
    fit_block,
    human_date,
    list_columns,
    printable,
    register_fonts,
    stamp_creation,
    width_of,
)
from facilitator.i18n import N_, _

ACCENT: Rgb = (0.11, 0.24, 0.38)  # a dark blue for the rules and the title: formal, and prints well in grey
HAIRLINE: Rgb = (0.72, 0.76, 0.82)

BORDER = 8 * mm  # the outer rule's distance from the paper's edge
MARGIN = 17 * mm  # text keeps this far from the edge, clear of the border and of printers' unprintable rim
BOTTOM = 14 * mm  # less at the foot, where only the signature note goes
HEADER_H = 18 * mm
LOGO_W, LOGO_H = 42 * mm, 16 * mm
LOWER_H = 80 * mm  # facts, topics, requirements and the QR code
QR_BOX = 52 * mm  # quiet zone included; a 550-character JWS at level M has modules of about 0.5 mm
QR_CAPTION_H = 11 * mm
FACTS_H = 13 * mm
NOTE_H = 10 * mm  # left empty for the signature note
GAP = 5 * mm
DEFAULT_LEVEL = "M"  # Q would make a 550-character payload version 24: modules too small to print reliably


@dataclass(frozen=True)
class MetJurisdiction:
    """A jurisdiction whose requirements the session met, and the law that sets them."""

    name: str  # "California"
    citation: str  # "Gov. Code § 12950.1; 2 CCR § 11024"


@dataclass(frozen=True)
class CertificateData:
    """The facts one certificate states, as the services layer hands them over."""

    certificate_id: str
    attendee_name: str
    employee_id: str | None
    employer: str
    workshop_title: str
    date: str  # YYYY-MM-DD, the day of the session
    minutes_attended: int
    trainer: str
    topics: tuple[str, ...] = ()
    jurisdictions: tuple[MetJurisdiction, ...] = ()
    delivery: str | None = None  # how it was given; None: in person, instructor-led (IN_PERSON)
    track: str | None = None  # the audience track when it matters, e.g. "Supervisors"
    provider: str | None = None  # the training provider, when the trainer works for one
    not_complete: tuple[str, ...] = ()  # a jurisdiction partly met or not met, and why: never under "met"
    delivered_minutes: int | None = None  # the workshop's length as delivered (teaching, breaks excluded)
    delivery_recorded: bool = True  # False: the session was sealed without its delivery recorded
    decided: str | None = None  # "trainer's decision: why", when the certificate was issued by that decision
    acknowledged: bool = False  # the person's signed acknowledgment is on record (where a law asks for one)

    @property
    def delivery_words(self) -> str:
        return self.delivery or _(IN_PERSON)


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in points from the lower-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Layout:
    """Where everything goes on one paper size: worked out once, shared by every certificate."""

    page: tuple[float, float]
    header: Box
    centre: Box
    facts: Box
    topics: Box
    requirements: Box
    qr: Box
    caption: Box
    note: Box


# --- layout --------------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def layout(paper: str) -> Layout:
    page = landscape(check_paper(paper))
    left, right, bottom, top = MARGIN, page[0] - MARGIN, BOTTOM, page[1] - MARGIN
    lower_top = bottom + LOWER_H
    qr_x = right - QR_BOX
    body_w = qr_x - GAP - left  # the lower zone left of the QR code
    facts = Box(left, lower_top - FACTS_H, body_w, FACTS_H)
    lists_y = bottom + NOTE_H + 2 * mm
    lists_h = facts.y - GAP - lists_y
    topics_w = body_w * 0.56
    return Layout(
        page=page,
        header=Box(left, top - HEADER_H, right - left, HEADER_H),
        centre=Box(left, lower_top + 2 * GAP, right - left, top - HEADER_H - 3 * mm - (lower_top + 2 * GAP)),
        facts=facts,
        topics=Box(left, lists_y, topics_w - GAP, lists_h),
        requirements=Box(left + topics_w, lists_y, body_w - topics_w, lists_h),
        qr=Box(qr_x, lower_top - QR_BOX, QR_BOX, QR_BOX),
        caption=Box(qr_x, lower_top - QR_BOX - QR_CAPTION_H, QR_BOX, QR_CAPTION_H),
        note=Box(left, bottom, body_w, NOTE_H),
    )


def signature_note_box(paper: str = "letter") -> tuple[float, float, float, float]:
    """(x, y, width, height) in points of the strip left empty at the bottom left for a signature note."""
    note = layout(paper).note
    return note.x, note.y, note.w, note.h


# --- the logo ------------------------------------------------------------------------------------------

LOGO_MAX_PIXELS = 720  # on the long side: over 400 dpi at the logo's size, and a small PDF


@lru_cache(maxsize=8)
def _logo(path: str, mtime_ns: int) -> ImageReader:
    """The logo, read and scaled down once: a big PNG would otherwise be recompressed into every PDF."""
    try:
        with Image.open(path) as image:
            image.load()
            picture = image.convert("RGBA" if _has_alpha(image) else "RGB")
    except (OSError, ValueError) as error:
        raise ValueError(_("the logo {path} cannot be read as a PNG or JPEG image: {reason}").format(
            path=path, reason=error)) from error
    picture.thumbnail((LOGO_MAX_PIXELS, LOGO_MAX_PIXELS), Image.Resampling.LANCZOS)
    return ImageReader(picture)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def load_logo(path: Path) -> ImageReader:
    try:
        changed = path.stat().st_mtime_ns  # part of the cache key: a replaced logo is read afresh
    except OSError as error:
        raise ValueError(_("the logo {path} cannot be opened: {reason}").format(path=path, reason=error.strerror)
                         ) from error
    return _logo(str(path), changed)


def fit_image(reader: ImageReader, box: Box) -> tuple[float, float]:
    """The largest size with the image's own proportions inside the box (never stretched)."""
    width, height = reader.getSize()
    scale = min(box.w / width, box.h / height)
    return width * scale, height * scale


# --- drawing -------------------------------------------------------------------------------------------

def draw_border(canvas: Canvas, page: tuple[float, float]) -> None:
    canvas.setStrokeColorRGB(*ACCENT)
    canvas.setLineWidth(1.2)
    canvas.rect(BORDER, BORDER, page[0] - 2 * BORDER, page[1] - 2 * BORDER, stroke=1, fill=0)
    canvas.setLineWidth(0.4)
    inset = BORDER + 1.6 * mm
    canvas.rect(inset, inset, page[0] - 2 * inset, page[1] - 2 * inset, stroke=1, fill=0)


def draw_header(canvas: Canvas, box: Box, org_name: str, logo: ImageReader | None) -> None:
    """The logo and the organisation's name, side by side and centred as a pair."""
    logo_w, logo_h = fit_image(logo, Box(0, 0, LOGO_W, LOGO_H)) if logo else (0.0, 0.0)
    gap = 5 * mm if logo else 0.0
    lines = _org_lines(org_name, box.w - logo_w - gap, box.h)
    text_w = max((width_of(line.text, line.font, line.size) for line in lines), default=0.0)
    x = box.x + (box.w - logo_w - gap - text_w) / 2
    middle = box.y + box.h / 2
    if logo:
        canvas.drawImage(logo, x, middle - logo_h / 2, logo_w, logo_h, mask="auto")
    fill(canvas, ACCENT)
    draw_lines(canvas, lines, x + logo_w + gap, middle + block_height(lines) / 2)


@lru_cache(maxsize=16)
def _org_lines(org_name: str, width: float, height: float) -> tuple[Line, ...]:
    return tuple(fit_block([Piece(org_name, BOLD, 16, 10)], width, height))


def centre_pieces(data: CertificateData) -> list[Piece]:
    who = " · ".join(part for part in (_employee(data.employee_id), data.employer) if part)
    track = _("{track} track").format(track=data.track) if data.track else None
    length = (_("{duration} delivered").format(duration=duration(data.delivered_minutes))
              if data.delivered_minutes is not None else None)
    if not data.delivery_recorded:
        length = _("delivery not recorded")
    kind = " · ".join(part for part in (data.delivery_words, length, track) if part)
    pieces = [
        Piece(_("Certificate of Completion"), BOLD, 30, 18, space_after=4 * mm, color=ACCENT),
        Piece(_("This certifies that"), SANS, 11, 8, space_after=2 * mm, color=MUTED),
        Piece(data.attendee_name, BOLD, 30, 20, space_after=1.5 * mm, color=INK),
        Piece(who, SANS, 11.5, 8, space_after=4 * mm, color=INK),
        Piece(_("has completed the workshop"), SANS, 11, 8, space_after=2 * mm, color=MUTED),
        Piece(data.workshop_title, BOLD, 18, 11, space_after=1.5 * mm, color=INK),
        Piece(kind, SANS, 11.5, 8, color=INK),
    ]
    if data.decided:  # issued by the trainer's decision, not by the minutes: the certificate says so, and why
        pieces[-1] = replace(pieces[-1], space_after=2 * mm)
        pieces.append(Piece(data.decided[:1].upper() + data.decided[1:], SANS, 10, 7, color=ACCENT))
    return pieces


def _employee(employee_id: str | None) -> str:
    return _("Employee ID {id}").format(id=employee_id) if employee_id else ""


def draw_centre(canvas: Canvas, box: Box, data: CertificateData) -> None:
    lines = fit_block(centre_pieces(data), box.w, box.h)
    top = box.y + (box.h + block_height(lines)) / 2  # centred in the space between header and lower zone
    draw_lines(canvas, lines, box.x, top, width=box.w, align="centre")


def facts_of(data: CertificateData) -> list[tuple[str, str, str, float]]:
    """(label, value, value font, share of the strip's width) for the strip of key facts."""
    trainer = f"{data.trainer} ({data.provider})" if data.provider else data.trainer
    return [(_("Date"), human_date(data.date), BOLD, 0.17),
            (_("Time attended"), duration(data.minutes_attended), BOLD, 0.17),
            (_("Trainer"), trainer, BOLD, 0.36), (_("Certificate no."), data.certificate_id, MONO, 0.30)]


def draw_facts(canvas: Canvas, box: Box, data: CertificateData) -> None:
    canvas.setStrokeColorRGB(*HAIRLINE)
    canvas.setLineWidth(0.6)
    canvas.line(box.x, box.top, box.x + box.w, box.top)
    canvas.line(box.x, box.y, box.x + box.w, box.y)
    x = box.x
    for label, value, font, share in facts_of(data):
        cell_w = box.w * share - 5 * mm  # 5 mm between cells
        fill(canvas, MUTED)
        below = draw_lines(canvas, [Line(label.upper(), SANS, 7, space_after=1.4 * mm)], x, box.top - 2.2 * mm)
        # Top-aligned under a label at the same height in every cell, so a shrunk value does not drop.
        draw_lines(canvas, _fact_lines(value, font, cell_w, below - box.y - 1.5 * mm), x, below)
        x += box.w * share


@lru_cache(maxsize=64)
def _fact_lines(value: str, font: str, width: float, height: float) -> tuple[Line, ...]:
    return tuple(fit_block([Piece(value, font, 11, 7, color=INK)], width, height))


def draw_heading(canvas: Canvas, box: Box, text: str) -> float:
    """A small capitalised heading over a list; returns the y below it."""
    fill(canvas, MUTED)
    return draw_lines(canvas, [Line(text.upper(), SANS, 7, space_after=1.5 * mm)], box.x, box.top)


def draw_topics(canvas: Canvas, box: Box, topics: Sequence[str], recorded: bool = True) -> None:
    below = draw_heading(canvas, box, _("Topics covered"))
    if not topics:
        fill(canvas, MUTED)
        empty = (_("No topic was taught long enough to count.") if recorded
                 else _("None is listed: the delivery was not recorded."))
        draw_lines(canvas, [Line(empty, SANS, 8.5)], box.x, below)
        return
    columns, gutter = list_columns(tuple(topics), box.w, below - box.y)
    fill(canvas, INK)
    column_w = (box.w - gutter * (len(columns) - 1)) / max(len(columns), 1)
    for i, column in enumerate(columns):
        draw_lines(canvas, column, box.x + i * (column_w + gutter), below)


def draw_requirements(canvas: Canvas, box: Box, jurisdictions: Sequence[MetJurisdiction],
                      not_complete: Sequence[str] = (), acknowledged: bool = False) -> None:
    """The jurisdictions met, then, under their own heading, any only partly met or not met: a partial result
    is never listed as met."""
    below = draw_heading(canvas, box, _("Requirements met"))
    pieces = [piece for j in jurisdictions
              for piece in (Piece(j.name, BOLD, 9.5, 7, space_after=0.6 * mm, color=INK),
                            Piece(j.citation, SANS, 8.5, 6.5, space_after=2 * mm, color=MUTED))]
    if not pieces:
        pieces = [Piece(_("No jurisdiction's requirements are met by this certificate."), SANS, 8.5, 6.5,
                        space_after=2 * mm, color=MUTED)]
    if acknowledged:
        pieces.append(Piece(_("Signed acknowledgment on record."), SANS, 8.5, 6.5, space_after=2 * mm, color=INK))
    if not_complete:
        pieces.append(Piece(_("Not complete — not proof of compliance").upper(), SANS, 7, 5.5,
                            space_after=1 * mm, color=MUTED))
        pieces += [Piece(line, SANS, 8, 5.5, space_after=1 * mm, color=INK) for line in not_complete]
    draw_lines(canvas, _requirement_lines(tuple(pieces), box.w, below - box.y), box.x, below)


@lru_cache(maxsize=16)
def _requirement_lines(pieces: tuple[Piece, ...], width: float, height: float) -> tuple[Line, ...]:
    return tuple(fit_block(pieces, width, height))  # the same for every certificate of a session


def draw_verification(canvas: Canvas, qr: Box, caption: Box, qr_text: str, level: str, hint: str) -> None:
    draw_matrix(canvas, encode(qr_text, LEVELS[level]), qr.x, qr.y, qr.w)
    lines = fit_block([Piece(_("Scan to verify offline, or run:"), SANS, 7.5, 6, space_after=0.8 * mm, color=MUTED),
                       Piece(hint, MONO, 7.5, 5.5, color=INK)], caption.w, caption.h)
    draw_lines(canvas, lines, caption.x, caption.top, width=caption.w, align="centre")


# --- the documents -------------------------------------------------------------------------------------

def unprintable_fields(data: CertificateData, org_name: str = "") -> list[str]:
    """Which of the certificate's texts the bundled fonts cannot set (they would print as boxes or backwards)."""
    texts = {N_("attendee name"): data.attendee_name, N_("employer"): data.employer,
             N_("workshop title"): data.workshop_title, N_("trainer"): data.trainer,
             N_("organisation name"): org_name, N_("topics"): " ".join(data.topics),
             N_("jurisdictions"): " ".join(j.name + j.citation for j in data.jurisdictions),
             N_("requirements not complete"): " ".join(data.not_complete), N_("reason"): data.decided or "",
             N_("employee id"): data.employee_id or "", N_("certificate id"): data.certificate_id,
             N_("track"): data.track or "", N_("provider"): data.provider or "", N_("delivery"): data.delivery_words}
    return [_(field) for field, text in texts.items() if not printable(text)]


def _check(data: CertificateData, org_name: str, qr_text: str, level: str) -> None:
    if level not in LEVELS:
        raise ValueError(_("QR error correction must be one of {levels}, not {level}").format(
            levels=", ".join(LEVELS), level=repr(level)))
    if not qr_text:
        raise ValueError(_("certificate {id}: nothing to put in the QR code").format(id=data.certificate_id))
    bad = unprintable_fields(data, org_name)
    if bad:
        raise ValueError(_("certificate {id}: the bundled fonts cannot print the {fields} ({name}); no certificate "
                           "was made").format(id=data.certificate_id, fields=", ".join(bad),
                                              name=repr(data.attendee_name)))


def draw_certificate(canvas: Canvas, lay: Layout, data: CertificateData, *, org_name: str,
                     logo: ImageReader | None, qr_text: str, level: str, hint: str) -> None:
    draw_border(canvas, lay.page)
    draw_header(canvas, lay.header, org_name, logo)
    draw_centre(canvas, lay.centre, data)
    draw_facts(canvas, lay.facts, data)
    draw_topics(canvas, lay.topics, data.topics, data.delivery_recorded)
    draw_requirements(canvas, lay.requirements, data.jurisdictions, data.not_complete, data.acknowledged)
    draw_verification(canvas, lay.qr, lay.caption, qr_text, level, hint)


def render_certificate(data: CertificateData, out: Path | BinaryIO, paper: str = "letter", *, org_name: str,
                       logo_path: Path | None = None, qr_text: str, created: datetime | None = None,
                       error_correction: str = DEFAULT_LEVEL, verify_hint: str | None = None) -> None:
    """Write one certificate as a one-page PDF to a path or an open binary file (left open).

    The bytes depend only on the arguments and `created` (the PDF's creation date; now, if not given).
    Raises ValueError, writing nothing, when a text cannot be printed in the bundled fonts."""
    register_fonts()
    _check(data, org_name, qr_text, error_correction)
    lay = layout(paper)
    logo = load_logo(logo_path) if logo_path else None
    name = out.name if isinstance(out, Path) else file_name(data)
    _render(data, out, lay, org_name=org_name, logo=logo, qr_text=qr_text, created=created,
            level=error_correction, hint=verify_hint or verify_command(name))


def _render(data: CertificateData, out: Path | BinaryIO, lay: Layout, *, org_name: str, logo: ImageReader | None,
            qr_text: str, created: datetime | None, level: str, hint: str) -> None:
    # Invariant mode: no random document id, so the same facts give the same bytes (the date aside).
    # The initial font is named so that ReportLab does not reference Helvetica, which is not embedded.
    canvas = Canvas(str(out) if isinstance(out, Path) else out, pagesize=lay.page, pageCompression=1,
                    invariant=1, initialFontName=SANS)
    stamp_creation(canvas, created)
    canvas.setTitle(_("Certificate of completion - {name} - {workshop} - {date}").format(
        name=data.attendee_name, workshop=data.workshop_title, date=data.date))
    canvas.setAuthor(org_name)
    canvas.setSubject(_("Certificate {id}").format(id=data.certificate_id))
    canvas.setCreator(PRODUCT)
    # The QR code's text again, machine-readable: `facilitator verify FILE.pdf` checks these signed facts
    # alongside the PDF's own signature without having to decode the image.
    canvas.setKeywords(qr_text)
    draw_certificate(canvas, lay, data, org_name=org_name, logo=logo, qr_text=qr_text, level=level, hint=hint)
    canvas.showPage()
    canvas.save()


def verify_command(name: str) -> str:
    """The command that checks a certificate file, printed under its QR code: a command, never translated."""
    return f"facilitator verify {name}"  # not user text: a command line


def file_name(data: CertificateData) -> str:
    """'certificate-<id>.pdf', with anything but letters, digits, dot, dash and underscore made '_'."""
    return f"certificate-{re.sub(r'[^A-Za-z0-9._-]', '_', data.certificate_id)}.pdf"


def render_certificates(items: Iterable[tuple[CertificateData, str]], out_dir: Path, paper: str = "letter", *,
                        org_name: str, logo_path: Path | None = None, created: datetime | None = None,
                        error_correction: str = DEFAULT_LEVEL) -> list[Path]:
    """Write one PDF per (certificate, QR text) into `out_dir` as `file_name(data)`; returns the paths in order.

    Every certificate is checked before the first is written, so bad input changes nothing on disk."""
    register_fonts()
    batch = list(items)
    for data, qr_text in batch:
        _check(data, org_name, qr_text, error_correction)
    names = [file_name(data) for data, _ in batch]
    if len(set(names)) != len(names):
        raise ValueError(_("two certificates share an id: {files}").format(
            files=", ".join(sorted({n for n in names if names.count(n) > 1}))))
    lay, logo = layout(paper), load_logo(logo_path) if logo_path else None
    written = []
    for (data, qr_text), name in zip(batch, names, strict=True):
        path = out_dir / name
        _render(data, path, lay, org_name=org_name, logo=logo, qr_text=qr_text, created=created,
                level=error_correction, hint=verify_command(name))
        written.append(path)
    return written
