"""`make run`: embedded Redis, an RQ worker and the web server, all stopped by one Ctrl-C."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask

from aap.core.queue import start_embedded_redis
from aap.demo import print_logins


def serve_development(app: Flask, port: int) -> None:
    env = dict(os.environ)
    embedded = None
    if not app.config["REDIS_URL"]:
        embedded = start_embedded_redis(app.config["EMBEDDED_REDIS_PATH"])
        env["REDIS_URL"] = f"unix://{embedded.socket_file}"
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    children = [
        subprocess.Popen(flask + ["aap", "worker"], env=env),
        subprocess.Popen(flask + ["run", "--host", "127.0.0.1", "--port", str(port), "--debug"], env=env),
    ]
    _announce(app, port)
    try:
        while all(child.poll() is None for child in children):
            try:
                children[1].wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded is not None:
            embedded.shutdown()
        click.echo("aap arrêté : serveur web, worker et Redis embarqué.")


def _announce(app: Flask, port: int) -> None:
    path = Path(app.instance_path) / "demo-credentials.json"
    click.echo("")
    click.echo(f"aap tourne sur http://127.0.0.1:{port}/  (Ctrl-C pour tout arrêter)")
    click.echo(f"Courriels envoyés : http://127.0.0.1:{port}/admin/courriels (compte administrateur)")
    if path.exists():
        print_logins(json.loads(path.read_text()))
    click.echo("")
