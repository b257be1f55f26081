from datetime import date

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text

from aap.core.i18n import LOCALES
from aap.core.permissions import allow, public
from aap.core.queue import get_redis
from aap.core.urls import local_target
from aap.extensions import db

bp = Blueprint("core", __name__)


#: the day the statement was written from the service's accessibility tests; change it with the statement
ACCESSIBILITY_ASSESSED_ON = date(2026, 12, 1)


@bp.get("/accessibilite")
@allow(public)
def accessibility():
    return render_template("core/accessibility.html", assessed_on=ACCESSIBILITY_ASSESSED_ON,
                           contact=current_app.config["CONTACT_EMAIL"])


@bp.post("/langue")
@allow(public)
def set_language():
    locale = request.form.get("locale", "fr")
    if locale in LOCALES:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(local_target(request.form.get("next"), url_for("public_calls.home")))


@bp.get("/healthz")
@allow(public)
def healthz():
    checks = {"database": _probe(lambda: db.session.execute(text("SELECT 1"))),
              "redis": _probe(lambda: get_redis().ping())}
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "error", **checks}
    return jsonify(body), 200 if healthy else 503


def _probe(check) -> str:
    try:
        check()
        return "ok"
    except Exception as exc:  # any failure is a "down" answer, never a crash of the health page
        current_app.logger.warning("healthz: %s", exc)
        return "error"


@bp.app_context_processor
def layout_context():
    return {"current_locale": str(get_locale()), "locales": LOCALES}
