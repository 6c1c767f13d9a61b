"""`facilitator keys`: this installation's signing identity: show it (created on first use), create it, export its
certificate for HR, and the request and install steps by which an organisation's CA issues the certificate."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from facilitator.cli.common import (
    Parser,
    add_force,
    add_json,
    add_passphrase_env,
    add_verb,
    add_verbs,
    emit,
    key_passphrase,
    passphrase,
    replacing,
    workspace,
)
from facilitator.i18n import _, ngettext


def register(parser: Parser, noun: str) -> None:
    add_verbs(parser)
    secret = _("read the key's passphrase from this environment variable (it is never taken on the command line; "
               "without this you are asked on a terminal)")
    show = add_verb(parser, "show", show_identity, _("show the signing identity, creating it on first use"))
    show.add_argument("--name", metavar=_("NAME"),
                      help=_("the trainer's name if it is created now (default: your user name)"))
    add_passphrase_env(show, secret)
    add_json(show)
    create = add_verb(parser, "create", create_identity, _("create the signing key and a self-signed certificate"))
    create.add_argument("--name", required=True, metavar=_("NAME"),
                        help=_("the trainer's name, as certificates will show it"))
    create.add_argument("--organisation", metavar=_("ORG"))
    add_passphrase_env(create, secret)
    create.add_argument("--replace", action="store_true",
                        help=_("replace an existing identity (its files are moved to a dated subfolder, not deleted)"))
    add_json(create)
    export = add_verb(parser, "export-cert", export_certificate,
                      _("write the certificate (PEM) for HR or a PDF reader to trust"))
    export.add_argument("--out", required=True, type=Path, metavar=_("FILE.pem"))
    add_force(export)
    csr = add_verb(parser, "csr", write_csr, _("write a certificate signing request for your organisation's CA"))
    csr.add_argument("--out", required=True, type=Path, metavar=_("FILE.csr"))
    add_force(csr)
    add_passphrase_env(csr, secret)
    install = add_verb(parser, "install-cert", install_certificate,
                       _("install the certificate (and CA chain) your CA issued"))
    install.add_argument("file", type=Path, metavar=_("FILE"))
    add_passphrase_env(install, secret)
    add_json(install)


def _print_identity(info: Any) -> None:
    issuer = _("self-signed") if info.self_signed else info.issuer
    kept = _("yes") if info.passphrase_protected else _("no (the key file is readable by you only)")
    rows = [(_("Subject:"), info.subject), (_("Issued by:"), issuer),
            (_("Fingerprint:"), _("SHA-256 {fingerprint}").format(fingerprint=info.fingerprint)),
            (_("Short form:"), info.short_fingerprint),
            (_("Valid:"), _("{start} to {end}").format(start=info.not_before.date().isoformat(),
                                                        end=info.not_after.date().isoformat())),
            (_("Passphrase:"), kept), (_("Key file:"), str(info.key_path)), (_("Certificate:"), str(info.cert_path))]
    if info.chain_length:
        rows.insert(2, (_("CA chain:"), ngettext("{n} certificate stored after yours",
                                                 "{n} certificates stored after yours", info.chain_length)
                        .format(n=info.chain_length)))
    width = max(13, *(len(label) + 1 for label, _value in rows))
    for label, value in rows:
        print(f"{label:{width}} {value}")


def show_identity(args: argparse.Namespace) -> int:
    from facilitator.services.identity import default_trainer_name, get_identity, has_identity, identity_info

    ws = workspace(args)
    created = not has_identity(ws)
    set_aside = None
    if created:
        set_aside = get_identity(ws, passphrase(args, prompt=None),
                                 create_as=args.name or default_trainer_name()).set_aside
    info = identity_info(ws)

    def in_words() -> None:
        if set_aside:
            _print_set_aside(set_aside)
        if created:
            print(_("Created a new signing identity for {name}.").format(name=info.name))
        _print_identity(info)

    emit(args, {**info.to_json(), "created": created}, in_words)
    return 0


def create_identity(args: argparse.Namespace) -> int:
    from facilitator.services.identity import create_identity, has_identity

    ws = workspace(args)
    refused = has_identity(ws) and not args.replace  # create_identity says why; do not ask for a passphrase first
    secret = None if refused else passphrase(args, prompt=_("Passphrase for the new key (Enter for none): "),
                                             confirm=True)
    info = create_identity(ws, args.name, args.organisation, secret, replace=args.replace)

    def in_words() -> None:
        if info.replaced_to:
            print(_("The previous key and certificate were moved to {folder}.").format(folder=info.replaced_to))
        if info.set_aside:
            _print_set_aside(info.set_aside)
        print(_("Created a new signing identity for {name}.").format(name=info.name))
        _print_identity(info)

    emit(args, info, in_words)
    return 0


def _print_set_aside(folder: Path) -> None:
    print(_("A key without its certificate (an identity whose making never finished; it signed nothing) was moved "
            "to {folder}.").format(folder=folder))


def export_certificate(args: argparse.Namespace) -> int:
    from facilitator.services.identity import export_certificate

    ws = workspace(args)
    written = replacing(args, lambda force: export_certificate(ws, args.out, force=force))
    print(_("Wrote the certificate to {file}").format(file=written))
    return 0


def write_csr(args: argparse.Namespace) -> int:
    from facilitator.services.identity import write_csr

    ws = workspace(args)
    secret = key_passphrase(args, ws)
    out = replacing(args, lambda force: write_csr(ws, args.out, secret, force=force))
    print(_("Wrote a certificate signing request to {file}; send it to your organisation's CA, then install what it "
            "returns with 'facilitator keys install-cert FILE'").format(file=out))
    return 0


def install_certificate(args: argparse.Namespace) -> int:
    from facilitator.services.identity import install_certificate

    ws = workspace(args)
    info = install_certificate(ws, args.file, key_passphrase(args, ws))

    def in_words() -> None:
        print(_("Installed the certificate from {file}.").format(file=args.file))
        _print_identity(info)

    emit(args, info, in_words)
    return 0
