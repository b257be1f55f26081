"""The signed-in person's own account: profile, language, password, sessions, two-factor authentication."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from aap.auth import forms, operations, sessions, throttle, totp
from aap.auth.passwords import verify_password
from aap.core.permissions import allow, signed_in
from aap.core.ratelimit import LimitsUnavailable, RateLimited, refusal_answer
from aap.core.urls import local_target
from aap.extensions import db

bp = Blueprint("account", __name__, url_prefix="/compte")


def _render(profile=None, password=None, disable=None, status=200, headers=None):
    user = current_user
    profile = profile or forms.AccountForm(obj=user)
    password = password or forms.ChangePasswordForm()
    disable = disable or forms.DisableTwoFactorForm()
    return render_template("auth/account.html", profile=profile, password_form=password, disable_form=disable,
                           remaining_codes=totp.remaining_recovery_codes(user) if user.totp_enabled else 0,
                           regenerate_form=forms.FlaskForm(), open_sessions=sessions.open_sessions(user),
                           this_session=sessions.current_session(user), session_form=forms.FlaskForm()), \
        status, headers or {}


def _password_matches(field) -> tuple[bool, tuple]:
    """Check the typed password under the same limits as the login page; an error goes on the field."""
    try:
        attempt = throttle.count_login(current_user.email)
    except (RateLimited, LimitsUnavailable) as refusal:
        field.errors.append(_("Trop d'essais du mot de passe : réessayez dans %(n)d minutes.",
                              n=max(1, -(-refusal.seconds // 60))) if isinstance(refusal, RateLimited)
                            else _("La vérification du mot de passe est suspendue un instant : réessayez dans une "
                                   "minute."))
        return False, refusal_answer(refusal)
    if not verify_password(current_user.password_hash, field.data):
        field.errors.append(_("Le mot de passe actuel est incorrect."))
        return False, (400, {})
    attempt.succeeded()
    return True, (200, {})


@bp.route("", methods=["GET", "POST"])
@allow(signed_in)
def account():
    form = forms.AccountForm(obj=current_user)
    if form.validate_on_submit():
        current_user.full_name = form.full_name.data.strip()
        current_user.locale = form.locale.data
        session["locale"] = form.locale.data
        db.session.commit()
        flash(_("Vos préférences sont enregistrées."), "success")
        return redirect(url_for("account.account"))
    return _render(profile=form, status=400 if form.errors else 200)


@bp.post("/mot-de-passe")
@allow(signed_in)
def change_password():
    form = forms.ChangePasswordForm()
    form.account_email = current_user.email
    answer = (400, {})
    if form.validate_on_submit():
        matches, answer = _password_matches(form.current_password)
        if matches:
            user = current_user._get_current_object()
            operations.set_password(user, form.password.data)
            sessions.open_session(user)  # every session ended with the old password: this one goes on
            db.session.commit()
            login_user(user)
            flash(_("Votre mot de passe a été changé. Vos autres sessions ont été déconnectées."), "success")
            return redirect(url_for("account.account"))
    return _render(password=form, status=answer[0], headers=answer[1])


@bp.post("/double-authentification/desactiver")
@allow(signed_in)
def disable_totp():
    if current_user.requires_two_factor():
        flash(_("Votre rôle impose la double authentification : elle ne peut pas être désactivée."), "error")
        return redirect(url_for("account.account"))
    form = forms.DisableTwoFactorForm()
    answer = (400, {})
    if form.validate_on_submit():
        matches, answer = _password_matches(form.current_password)
        if matches:
            operations.disable_totp(current_user)
            db.session.commit()
            flash(_("La double authentification est désactivée."), "success")
            return redirect(url_for("account.account"))
    return _render(disable=form, status=answer[0], headers=answer[1])


@bp.post("/codes-de-secours")
@allow(signed_in)
def regenerate_codes():
    if not current_user.totp_enabled:
        return redirect(url_for("account.account"))
    form = forms.FlaskForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.account"))
    if not sessions.recently_confirmed(current_user):
        return _ask_password()
    codes = totp.issue_recovery_codes(current_user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("account.account"))


def _ask_password():
    flash(_("Par sécurité, confirmez votre mot de passe, puis recommencez : cette confirmation vaut %(n)d minutes.",
            n=int(sessions.SUDO_WINDOW.total_seconds() // 60)), "warning")
    return redirect(url_for("account.confirm_password", next=url_for("account.account", _anchor="totp-title")))


@bp.route("/confirmer", methods=["GET", "POST"])
@allow(signed_in)
def confirm_password():
    form = forms.ConfirmPasswordForm()
    target = local_target(request.args.get("next"), url_for("account.account"))
    answer = (200, {})
    if form.validate_on_submit():
        matches, answer = _password_matches(form.current_password)
        if matches:
            sessions.confirm_password(current_user)
            db.session.commit()
            return redirect(target)
    elif form.errors:
        answer = (400, {})
    return render_template("auth/confirm_password.html", form=form), *answer


@bp.post("/sessions/fermer-les-autres")
@allow(signed_in)
def end_other_sessions():
    if forms.FlaskForm().validate_on_submit():
        ended = sessions.end_other_sessions(current_user)
        db.session.commit()
        flash(_("Les autres sessions sont fermées (%(n)d).", n=ended), "success")
    return redirect(url_for("account.account", _anchor="sessions-title"))


@bp.post("/sessions/<int:session_id>/fermer")
@allow(signed_in)
def end_session(session_id):
    login_session = next((row for row in sessions.open_sessions(current_user) if row.id == session_id), None)
    if forms.FlaskForm().validate_on_submit() and login_session is not None \
            and login_session is not sessions.current_session(current_user):
        sessions.end_session(login_session)
        db.session.commit()
        flash(_("La session est fermée."), "success")
    return redirect(url_for("account.account", _anchor="sessions-title"))
