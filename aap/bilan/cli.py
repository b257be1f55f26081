"""`flask --app wsgi aap bilan export --call CALL --format pdf|csv|xlsx|json|scdl -o FILE`.

CALL is the call's id or its slug (appel-a-projets-ess-15e-edition-2021). The figures are those of the latest
published version, or of `--version N`; with none published (or `--live`), the figures as they stand. The file is
written whole or not at all: any refusal leaves FILE as it was, with a message and a non-zero exit code.
"""
import os
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from aap.bilan import exports
from aap.bilan.figures import snapshot
from aap.bilan.models import Bilan, BilanVersion
from aap.bilan.scdl import ScdlRefused, scdl_csv, scdl_export
from aap.bilan.slugs import UnknownCall, find_call
from aap.core.models import utcnow
from aap.extensions import db

bilan_commands = AppGroup("bilan", help="Bilan annuel des appels.")
FORMATS = ("pdf", "csv", "xlsx", "json", "scdl")


class Refusal(click.ClickException):
    """A French message on the error output, exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Erreur : {self.message}", err=True)


def writable(path: str) -> Path:
    target = Path(path)
    if target.is_dir():
        raise Refusal(f"{path} est un dossier : donnez le chemin d'un fichier.")
    if target.parent.exists() and not target.parent.is_dir():
        raise Refusal(f"{target.parent} n'est pas un dossier : le fichier {path} ne peut pas y être écrit.")
    if not target.parent.is_dir():
        raise Refusal(f"Le dossier {target.parent} n'existe pas : le fichier {path} ne peut pas y être écrit.")
    if not os.access(target.parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise Refusal(f"Pas le droit d'écrire {path} : choisissez un autre emplacement.")
    return target


def write_whole(target: Path, content: bytes) -> None:
    """Into a file beside the target, then renamed over it: a failure never leaves half a file."""
    temporary = None
    try:
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise Refusal(f"Écriture de {target} impossible : {error.strerror or error}.") from error


def _mode_for(target: Path) -> int:
    """The replaced file's permissions, or those a new file gets (mkstemp's are the owner's alone)."""
    if target.exists():
        return target.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def chosen_version(call, number: int | None, live: bool) -> BilanVersion | None:
    versions = list(db.session.execute(select(BilanVersion).join(Bilan, Bilan.id == BilanVersion.bilan_id)
                                       .where(Bilan.call_id == call.id).order_by(BilanVersion.number)).scalars())
    if number is None:
        return None if live or not versions else versions[-1]
    for version in versions:
        if version.number == number:
            return version
    published = ", ".join(str(version.number) for version in versions) or "aucune"
    raise Refusal(f"Le bilan de « {call.title} » n'a pas de version {number} publiée "
                  f"(versions publiées : {published}).")


def pdf_bytes(call, version: BilanVersion | None, figures: dict) -> bytes:
    from aap.bilan.pdf import bilan_pdf_bytes  # WeasyPrint and the layout load only when a PDF is asked for

    if version is not None:
        return bilan_pdf_bytes(figures, version.introduction, version.commentary, version=version)
    draft = db.session.execute(select(Bilan).where(Bilan.call_id == call.id)).scalar()
    return bilan_pdf_bytes(figures, draft.introduction if draft else "", draft.commentary if draft else "")


def figures_bytes(call, fmt: str, version: BilanVersion | None) -> bytes:
    figures = version.snapshot if version is not None else snapshot(call, utcnow())
    if fmt == "pdf":
        return pdf_bytes(call, version, figures)
    number = version.number if version is not None else None
    if fmt == "json":
        published_at = version.published_at.isoformat(timespec="seconds") if version is not None else None
        return exports.figures_json(figures, number, published_at).get_data()
    return (exports.figures_xlsx if fmt == "xlsx" else exports.figures_csv)(figures, number).get_data()


def scdl_bytes(call, skip_invalid: bool) -> bytes:
    try:
        export = scdl_export(call)
    except ScdlRefused as refusal:
        raise Refusal(str(refusal)) from refusal
    for grant in export.waiting:
        click.echo(f"En attente, hors du fichier : {grant}", err=True)
    if export.invalid and not skip_invalid:
        listed = "\n".join(f"  - {grant}" for grant in export.invalid)
        raise Refusal(f"{len(export.invalid)} subvention(s) ne peuvent pas figurer dans le fichier SCDL, le schéma "
                      f"les refuserait ; corrigez-les, ou relancez avec --skip-invalid pour les écarter :\n{listed}")
    for grant in export.invalid:
        click.echo(f"Écartée du fichier : {grant}", err=True)
    if export.not_subsidies:
        click.echo(f"{export.not_subsidies} prise(s) de participation ou avance(s) remboursable(s) : ce ne sont pas "
                   "des subventions, elles ne figurent pas dans le fichier.", err=True)
    return scdl_csv(export.rows).encode("utf-8")


@bilan_commands.command("export")
@click.option("--call", "typed_call", required=True, help="Identifiant de l'appel, ou son nom (titre-annee).")
@click.option("--format", "fmt", required=True, help="pdf, csv, xlsx, json ou scdl (données ouvertes des subventions).")
@click.option("-o", "--output", required=True, help="Fichier à écrire.")
@click.option("--version", "number", type=int, help="Version publiée du bilan (par défaut : la dernière).")
@click.option("--live", is_flag=True, help="Les chiffres du moment, même si une version est publiée.")
@click.option("--skip-invalid", is_flag=True, help="SCDL : écarte les subventions que le schéma refuserait.")
def export(typed_call, fmt, output, number, live, skip_invalid):
    """Exporte le bilan d'un appel (chiffres, structures soutenues) ou ses données ouvertes des subventions."""
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise Refusal(f"Format « {fmt} » inconnu : choisissez parmi {', '.join(FORMATS)}.")
    target = writable(output)
    try:
        call = find_call(typed_call)
    except UnknownCall as unknown:
        raise Refusal(str(unknown)) from unknown
    if fmt == "scdl":
        if number is not None:
            raise Refusal("Les données ouvertes des subventions sont toujours celles du moment : --version ne "
                          "s'applique pas au format scdl.")
        write_whole(target, scdl_bytes(call, skip_invalid))
        click.echo(f"Données ouvertes des subventions de « {call.title} » écrites dans {target}.", err=True)
        return
    version = chosen_version(call, number, live)
    write_whole(target, figures_bytes(call, fmt, version))
    which = f"version {version.number} publiée" if version is not None else "chiffres du moment"
    click.echo(f"Bilan de « {call.title} » ({which}, {fmt}) écrit dans {target}.", err=True)
