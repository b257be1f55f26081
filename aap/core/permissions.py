"""Who may reach what: every endpoint declares its rule here, objects answer through can_*()."""
from collections.abc import Callable

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from aap.core.roles import ADMIN, INSTRUCTOR
from aap.extensions import db, login_manager

Rule = Callable[[object], bool]

#: Endpoints reachable while a staff account still has to set up two-factor authentication.
ENROLMENT_ENDPOINTS = frozenset({"auth.logout", "auth.enrol_totp", "core.accessibility", "core.set_language"})


def public(user) -> bool:
    return True


def signed_in(user) -> bool:
    return user.is_authenticated


def role(*roles: str) -> Rule:
    def check(user) -> bool:
        return user.is_authenticated and any(user.has_role(name) for name in roles)

    check.__name__ = "role:" + ",".join(roles)
    return check


#: the authority's instruction team: administrators and instructors
instruction_team = role(ADMIN, INSTRUCTOR)


def development_only(user) -> bool:
    return current_app.config["AAP_ENV"] != "production" and role("admin")(user)


def allow(rule: Rule):
    """Declare who may call a view; a view without a rule is refused to everyone."""

    def decorate(view):
        view.access_rule = rule
        return view

    return decorate


def get_or_404(model, ident, action: str = "view", **parent):
    """Load an object the user may know about, else 404; a known object the user may not touch is 403.

    `parent` (e.g. dossier_id=3) must match too, so that /dossiers/3/pieces/9 never serves dossier 4's piece.
    """
    obj = db.session.get(model, ident) if ident is not None else None
    if obj is None or any(getattr(obj, name) != value for name, value in parent.items()) \
            or not obj.can("view", current_user):
        abort(404)
    if action != "view" and not obj.can(action, current_user):
        abort(403)
    return obj


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _check_access():
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app_view(request.endpoint)
    rule = getattr(view, "access_rule", None)
    if rule is None:
        abort(403)
    if current_user.is_authenticated and current_user.must_enrol_totp() \
            and request.endpoint not in ENROLMENT_ENDPOINTS:
        return redirect(url_for("auth.enrol_totp"))
    if not rule(current_user):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        abort(403)
    return None


def current_app_view(endpoint: str):
    return current_app.view_functions.get(endpoint)


def init_app(app: Flask) -> None:
    app.before_request(_check_access)
