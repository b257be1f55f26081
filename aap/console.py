"""The `aap` console script: the same commands as `flask --app wsgi aap`."""
from flask.cli import ScriptInfo

from aap import create_app


def main() -> None:
    app = create_app()
    app.cli.commands["aap"].main(prog_name="aap", obj=ScriptInfo(create_app=lambda: app))
