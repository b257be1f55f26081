"""`flask --app wsgi aap workflow check [FILES…]`, `… aap audit verify` and `… aap audit checkpoint`."""
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from aap.extensions import db
from aap.workflow import checkpoints, schema
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
@click.option("--checkpoint-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier de points de contrôle à comparer (par défaut AUDIT_CHECKPOINT_FILE), "
                   "par exemple les lignes reçues par courriel.")
def verify(checkpoint_file):
    """Vérifie la chaîne, l'état et les accusés de chaque dossier, puis le dernier point de contrôle (code 1 au
    moindre défaut)."""
    checked, problems, last = checkpoints.verify(checkpoint_file)
    for problem in problems:
        click.echo(str(problem))
    compared = (f"comparé au point de contrôle n° {last.number} du {last.at}" if last
                else "aucun point de contrôle à comparer (aap audit checkpoint en écrit un)")
    click.echo(f"{checked} dossier(s) vérifié(s), {len(problems)} anomalie(s) ; {compared}.", err=True)
    sys.exit(1 if problems else 0)


@audit.command("checkpoint")
def checkpoint():
    """Écrit maintenant un point de contrôle signé du journal (le worker en écrit un par jour)."""
    taken = checkpoints.take()
    db.session.commit()
    click.echo(f"Point de contrôle n° {taken.number} : {taken.dossiers} dossier(s), {taken.records} "
               f"enregistrement(s), ajouté à {checkpoints.checkpoint_file()}.")
