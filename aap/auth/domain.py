"""What accounts add: sign-in pages, the account page, the user loader and the invitation command."""
from flask import Flask

from aap.auth import account, cli, views
from aap.auth.models import load_user
from aap.core.domains import Domain
from aap.extensions import login_manager


def setup(app: Flask) -> None:
    login_manager.user_loader(load_user)


DOMAIN = Domain("auth", blueprints=(views.bp, account.bp), commands=(cli.invite,),
                development_commands=(cli.totp_code,), setup=setup)
