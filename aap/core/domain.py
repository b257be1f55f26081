"""What the core adds to every app: access checks, error pages, headers, formats, the core pages, `storage check`."""
from flask import Flask

from aap.core import errors, formatting, i18n, permissions, queue, ratelimit, security
from aap.core.domains import Domain
from aap.core.storage_cli import storage_commands
from aap.core.views import bp
from aap.extensions import babel


def setup(app: Flask) -> None:
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=lambda: "Europe/Paris")
    queue.init_app(app)
    security.init_app(app)
    formatting.init_app(app)
    ratelimit.init_app(app)
    permissions.init_app(app)
    errors.init_app(app)


DOMAIN = Domain("core", blueprints=(bp,), setup=setup, commands=(storage_commands,))
