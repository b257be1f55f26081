"""`flask --app wsgi aap workflow check [FILES…]` and `flask --app wsgi aap audit verify`."""
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from aap.workflow import schema
from aap.workflow.audit import verify_all
from aap.workflow.operations import workflows_folder

workflow = AppGroup("workflow", help="Fichiers de workflow.")
audit = AppGroup("audit", help="Journal des transitions.")


@workflow.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def check(files):
    """Valide les workflows (par défaut workflows/*.yaml) : FICHIER:LIGNE: message par erreur."""
    paths = list(files) or sorted(workflows_folder().glob("*.yaml"))
    errors = []
    for path in paths:
        if not path.is_file():
            errors.append(schema.WorkflowError(str(path), 0, "fichier introuvable"))
            continue
        try:
            schema.load_file(path)
        except schema.InvalidWorkflow as invalid:
            errors.extend(invalid.errors)
    for error in errors:
        click.echo(str(error))
    click.echo(f"{len(paths)} fichier(s) vérifié(s), {len(errors)} erreur(s).", err=True)
    sys.exit(1 if errors else 0)

@audit.command("verify")
def verify():
    """Vérifie la chaîne d'empreintes de chaque dossier ; code 1 au premier défaut trouvé."""
    checked, problems = verify_all()
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{checked} dossier(s) vérifié(s), {len(problems)} anomalie(s).", err=True)
    sys.exit(1 if problems else 0)
