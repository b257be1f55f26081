from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.admin.forms import InviteForm
from aap.admin.queries import USER_SORTS, users_page
from aap.auth import operations
from aap.calls.queries import all_calls
from aap.core.listing import requested_page, requested_sort
from aap.core.permissions import allow, role
from aap.core.ratelimit import mail_refusal_message, mail_refused, refusal_answer
from aap.core.roles import ROLE_LABELS
from aap.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _invite_form() -> InviteForm:
    form = InviteForm()
    calls = all_calls()
    form.call_id.choices = [("", _("— Aucun (rôle global) —"))] + [(call.id, str(call)) for call in calls]
    return form


@bp.get("/utilisateurs")
@allow(role("admin"))
def users():
    args = request.args
    sort, descending = requested_sort(args, USER_SORTS, "email", descending=False)
    page = users_page(search=args.get("q", ""), role=args.get("role", ""), sort=sort,
                      descending=descending, page=requested_page(args))
    return render_template("admin/users.html", page=page, form=_invite_form(), role_labels=ROLE_LABELS,
                           sort=sort, descending=descending)


@bp.post("/utilisateurs/inviter")
@allow(role("admin"))
def invite():
    form = _invite_form()
    status, headers = 400, {}
    if form.validate_on_submit():
        refusal = mail_refused(form.email.data, sender=f"user:{current_user.id}")
        if refusal is None:
            operations.invite(form.email.data, form.role.data, form.call_id.data, current_user)
            db.session.commit()
            flash(_("Invitation envoyée à %(email)s.", email=form.email.data), "success")
            return redirect(url_for("admin.users"))
        form.email.errors = [*form.email.errors, mail_refusal_message(refusal)]
        status, headers = refusal_answer(refusal)
    page = users_page()
    return render_template("admin/users.html", page=page, form=form, role_labels=ROLE_LABELS,
                           sort="email", descending=False), status, headers
