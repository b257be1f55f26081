"""What accounts add: sign-in pages, the account page, the user loader and the invitation command."""
from flask import Flask

from aap.auth import account, cli, views
from aap.auth.models import load_user, session_identifier
from aap.core.domains import Domain
from aap.extensions import login_manager


def setup(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager._session_identifier_generator = session_identifier  # the address ProxyFix trusts


DOMAIN = Domain("auth", blueprints=(views.bp, account.bp), commands=(cli.invite,),
                development_commands=(cli.totp_code,), setup=setup)
