"""`flask --app wsgi aap import-history FILE`: past editions imported from a CSV or XLSX file, whole or not at all.

It prints every problem (line, column, reason) and exits 1 when the file is refused, 0 once imported or when the
file changes nothing (imported before).
"""
import sys
from pathlib import Path

import click
from flask_babel import gettext as _

from aap.bilan import history_template as template
from aap.bilan.history_operations import DEFAULT_WORKFLOW, Reading, import_file, read_file
from aap.core.formatting import money
from aap.core.models import utcnow
from aap.extensions import db

#: who the import is recorded as, from the command line
COMMAND_LINE = "ligne de commande (aap import-history)"


def _data(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(template.MAX_BYTES + 1)  # one byte more than allowed: the reader refuses it


def _echo_problems(reading: Reading) -> None:
    for problem in reading.problems:
        click.echo(f"  {problem}")


def _echo_plan(reading: Reading) -> None:
    for edition in reading.plan.editions:
        state = _("ajout à l'édition importée") if edition.existing is not None else _("nouvelle édition")
        click.echo("  " + _("%(year)d n° %(n)d « %(title)s » (%(state)s) : %(dossiers)d dossier(s), %(funded)d "
                            "accordé(s), %(granted)s accordés, %(paid)s versés.", year=edition.year, n=edition.number,
                            title=edition.title, state=state, dossiers=len(edition.rows), funded=edition.funded,
                            granted=money(edition.granted), paid=money(edition.paid)))


@click.command("import-history")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--workflow", default=DEFAULT_WORKFLOW, show_default=True,
              help="Cycle de traitement (fichier de workflows/) que suivent les éditions importées.")
@click.option("--dry-run", is_flag=True, help="Vérifie le fichier et dit ce qu'il créerait, sans rien importer.")
def import_history(file: Path, workflow: str, dry_run: bool):
    """Importe des éditions passées depuis un fichier CSV (UTF-8, « ; » ou « , ») ou XLSX (modèle :
    aap/data/historique-exemple.csv)."""
    data, now = _data(file), utcnow()
    if dry_run:
        reading = read_file(data, workflow, now)
        db.session.rollback()
        if reading.problems:
            click.echo(_("Le fichier ne peut pas être importé (%(n)d problème(s)) :", n=len(reading.problems)))
            _echo_problems(reading)
            sys.exit(1)
        click.echo(_("Le fichier peut être importé :") if reading.earlier is None else _("Déjà importé."))
        if reading.plan is not None:
            _echo_plan(reading)
        return
    imported = import_file(data, file.name, workflow, None, COMMAND_LINE, now)
    if imported.problems:
        db.session.rollback()
        click.echo(imported.message)
        _echo_problems(imported.reading)
        sys.exit(1)
    db.session.commit()
    click.echo(imported.message)
    if imported.record is not None:
        _echo_plan(imported.reading)
