"""aap: appels à projets pour les collectivités qui financent l'ESS."""
from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    from aap.config import load_config
    from aap.extensions import init_extensions
    from aap.routing import register_blueprints

    app = Flask(__name__, template_folder="../templates", instance_relative_config=True)
    load_config(app, config)
    init_extensions(app)
    register_blueprints(app)
    return app
