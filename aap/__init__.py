"""aap: appels à projets pour les collectivités qui financent l'ESS."""
from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    # imported here, not above: a job module imports this package, and must not load every domain for it
    from aap.config import load_config
    from aap.core import inputs
    from aap.domains import plug_in
    from aap.extensions import init_extensions

    app = Flask(__name__, template_folder="../templates", instance_relative_config=True)
    load_config(app, config)
    init_extensions(app)
    inputs.init_app(app)  # before any route is added: <int:…> stops at what an integer column holds
    plug_in(app)
    return app
