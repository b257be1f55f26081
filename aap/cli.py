"""`flask --app wsgi aap …` and the `aap` console script."""
import click
from flask import Flask, current_app
from flask.cli import AppGroup, ScriptInfo

from aap.extensions import db


def build_group(app: Flask) -> AppGroup:
    group = AppGroup("aap", help="Commandes d'exploitation d'aap.")

    @group.command("demo")
    def demo():
        """Charge les données de démonstration (sans effet la seconde fois) et affiche les accès."""
        from aap.demo import load_demo

        print_logins(load_demo())

    @group.command("invite")
    @click.option("--email", required=True, help="Adresse de la personne invitée.")
    @click.option("--role", required=True, type=click.Choice(["admin", "instructor", "reviewer", "committee", "funder"]))
    @click.option("--call", "call_id", type=int, help="Appel à projets (pour reviewer, committee, funder).")
    def invite(email, role, call_id):
        """Invite une personne : crée le compte, attribue le rôle et affiche le lien d'invitation."""
        from aap.auth.operations import invite as invite_user

        try:
            _user, link = invite_user(email, role, call_id, None)
        except ValueError as error:
            raise click.UsageError(str(error)) from None
        db.session.commit()
        click.echo(link)

    @group.command("worker")
    @click.option("--burst", is_flag=True, help="Traite les tâches en attente puis s'arrête.")
    def worker(burst):
        """Lance un worker RQ avec son planificateur."""
        from aap.notifications.worker import run_worker

        run_worker(current_app._get_current_object(), burst=burst)

    from aap.workflow.cli import register as register_workflow_commands

    register_workflow_commands(group)

    if app.config["AAP_ENV"] != "production":
        @group.command("totp-code")
        @click.option("--email", required=True)
        def totp_code(email):
            """Affiche le code TOTP actuel d'un compte (développement uniquement)."""
            import pyotp

            from aap.auth.operations import find_user

            user = find_user(email)
            if user is None or not user.totp_secret:
                raise click.ClickException(f"Aucun compte avec double authentification pour {email}.")
            click.echo(pyotp.TOTP(user.totp_secret).now())

        @group.command("serve")
        @click.option("--port", default=5000, show_default=True)
        def serve(port):
            """Démarre Redis embarqué, le worker et le serveur web ; Ctrl-C arrête tout."""
            from aap.devserver import serve_development

            serve_development(current_app._get_current_object(), port)

    return group


def print_logins(logins: dict) -> None:
    click.echo("Comptes de démonstration (mots de passe aléatoires, conservés dans instance/) :")
    for login in logins.values():
        extra = "  + code : flask --app wsgi aap totp-code --email " + login["email"] if login["totp"] else ""
        click.echo(f"  {login['label']:<22} {login['email']:<26} {login['password']}{extra}")


def init_app(app: Flask) -> None:
    app.cli.add_command(build_group(app))


def main() -> None:
    """The `aap` console script: the same commands as `flask --app wsgi aap`."""
    from aap import create_app

    app = create_app()
    app.cli.commands["aap"].main(prog_name="aap", obj=ScriptInfo(create_app=lambda: app))
