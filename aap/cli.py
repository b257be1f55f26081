"""`flask --app wsgi aap …` and the `aap` console script: the domains' commands, the demo, the worker."""
import click
from flask import Flask, current_app
from flask.cli import AppGroup

from aap.core.worker import run_worker
from aap.demo import load_demo, print_logins
from aap.devserver import serve_development


@click.command("demo")
def demo():
    """Charge les données de démonstration (sans effet la seconde fois) et affiche les accès."""
    print_logins(load_demo())


@click.command("worker")
@click.option("--burst", is_flag=True, help="Traite les tâches en attente puis s'arrête.")
def worker(burst):
    """Lance un worker RQ avec son planificateur."""
    run_worker(current_app._get_current_object(), burst=burst)


@click.command("serve")
@click.option("--port", default=5000, show_default=True)
def serve(port):
    """Démarre Redis embarqué, le worker et le serveur web ; Ctrl-C arrête tout."""
    serve_development(current_app._get_current_object(), port)


def build_group(app: Flask, domains) -> AppGroup:
    group = AppGroup("aap", help="Commandes d'exploitation d'aap.")
    production = app.config["AAP_ENV"] == "production"
    for command in (demo, worker):
        group.add_command(command)
    if not production:
        group.add_command(serve)
    for domain in domains:
        for command in domain.commands + (() if production else domain.development_commands):
            group.add_command(command)
    return group

