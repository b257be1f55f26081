"""`flask --app wsgi aap storage check [--delete]`: the stored files that no row points to any more.

A model whose rows point to stored files says so with a `stored_file_keys(session)` class method (every
model with StoredFileColumns has one); the files on disk that none of them names are orphans.
"""
import sys
import time

import click
from flask.cli import AppGroup

from aap.core.storage import storage
from aap.extensions import db

storage_commands = AppGroup("storage", help="Fichiers envoyés.")


def referenced_keys(session) -> set[str]:
    db.Model.registry.configure()
    keys: set[str] = set()
    for mapper in db.Model.registry.mappers:
        finder = getattr(mapper.class_, "stored_file_keys", None)
        if finder is not None:
            keys.update(finder(session))
    return keys


@storage_commands.command("check")
@click.option("--delete", is_flag=True, help="Supprime les fichiers orphelins trouvés.")
@click.option("--grace-minutes", default=60, show_default=True,
              help="Laisse de côté les fichiers plus récents : leur envoi peut être en cours.")
def check(delete, grace_minutes):
    """Liste les fichiers qu'aucune ligne de la base ne désigne (--delete les supprime) et ceux qui manquent."""
    referenced, cutoff = referenced_keys(db.session), time.time() - grace_minutes * 60
    on_disk = list(storage().files())
    orphans = [path for path in on_disk if path.name not in referenced and path.stat().st_mtime <= cutoff]
    for path in orphans:
        click.echo(f"orphelin : {path}")
        if delete:
            path.unlink(missing_ok=True)
    missing = sorted(referenced - {path.name for path in on_disk})
    for key in missing:
        click.echo(f"manquant : {key}")
    verb = "supprimé(s)" if delete else "à supprimer avec --delete"
    click.echo(f"{len(on_disk)} fichier(s), {len(orphans)} orphelin(s) {verb}, {len(missing)} manquant(s).", err=True)
    sys.exit(1 if missing or (orphans and not delete) else 0)
