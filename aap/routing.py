"""Blueprints, one per feature."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from aap import cli
    from aap.admin.views import bp as admin_bp
    from aap.auth.account import bp as account_bp
    from aap.auth.views import bp as auth_bp
    from aap.calls.public import bp as public_calls_bp
    from aap.calls.views import bp as calls_bp
    from aap.dossiers import attachment_views, message_views  # noqa: F401  (routes on the dossiers blueprint)
    from aap.dossiers import reminders, report_reminders  # noqa: F401  (signal receivers)
    from aap.dossiers.views import bp as dossiers_bp
    from aap.workflow.views import bp as workflows_bp
    from aap.core import errors, permissions
    from aap.core.views import bp as core_bp
    from aap.notifications.bulk_views import bp as bulk_bp
    from aap.notifications.inbox import bp as inbox_bp
    from aap.notifications.views import bp as notifications_bp
    from aap.organisations.views import bp as organisations_bp

    for blueprint in (core_bp, auth_bp, account_bp, public_calls_bp, organisations_bp, dossiers_bp, admin_bp, calls_bp,
                      workflows_bp, notifications_bp, inbox_bp, bulk_bp):
        app.register_blueprint(blueprint)
    permissions.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
