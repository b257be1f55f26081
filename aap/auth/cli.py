"""`flask --app wsgi aap invite` and, outside production, `flask --app wsgi aap totp-code`."""
import click
import pyotp

from aap.auth.operations import find_user
from aap.auth.operations import invite as invite_user
from aap.core.roles import GRANTABLE_ROLES
from aap.extensions import db


@click.command("invite")
@click.option("--email", required=True, help="Adresse de la personne invitée.")
@click.option("--role", required=True, type=click.Choice(GRANTABLE_ROLES))
@click.option("--call", "call_id", type=int, help="Appel à projets (pour reviewer, committee, funder).")
def invite(email, role, call_id):
    """Invite une personne : crée le compte, attribue le rôle et affiche le lien d'invitation."""
    try:
        _user, link = invite_user(email, role, call_id, None)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    db.session.commit()
    click.echo(link)


@click.command("totp-code")
@click.option("--email", required=True)
def totp_code(email):
    """Affiche le code TOTP actuel d'un compte (développement uniquement)."""
    user = find_user(email)
    if user is None or not user.totp_secret:
        raise click.ClickException(f"Aucun compte avec double authentification pour {email}.")
    click.echo(pyotp.TOTP(user.totp_secret).now())
