"""`facilitator verify`: is a certificate PDF, a certificate's QR text or a sealed session genuine? Exit 0 if so,
1 with the reason if not (altered, forged, or signed by someone not trusted)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from facilitator.cli.common import Parser, add_json, emit, handled_by, workspace
from facilitator.i18n import _


def register(parser: Parser, noun: str) -> None:
    parser.description = _("Exit 0 if genuine, 1 with the reason if not (altered, forged, unknown signer). Trusted: "
                           "this installation's certificate and any --trust file.")
    parser.add_argument("target", metavar=_("PDF|QR-TEXT|SESSION|BUNDLE.zip"))
    parser.add_argument("--trust", action="append", type=Path, default=[], metavar=_("CERT.pem"),
                        help=_("a trainer's exported certificate (or their organisation's CA); repeat as needed"))
    add_json(parser)
    handled_by(parser, verify)


def verify(args: argparse.Namespace) -> int:
    from facilitator.services.verification import trusted_certificates, verify

    ws = workspace(args)
    if args.target.lower().endswith(".zip"):
        from facilitator.services.bundle_check import verify_bundle

        verdict = verify_bundle(Path(args.target), trusted_certificates(ws, args.trust))
    else:
        verdict = verify(ws, args.target, args.trust)
    emit(args, verdict, lambda: print(f"{verdict.what_label}: {verdict.message}",
                                      file=sys.stdout if verdict.valid else sys.stderr))
    return 0 if verdict.valid else 1
