"""The signed-in person's own account: profile, language, password, two-factor authentication."""
from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from aap.auth import forms, operations, totp
from aap.auth.passwords import verify_password
from aap.core.permissions import allow, signed_in
from aap.extensions import db

bp = Blueprint("account", __name__, url_prefix="/compte")


def _render(profile=None, password=None, disable=None, status=200):
    user = current_user
    profile = profile or forms.AccountForm(obj=user)
    password = password or forms.ChangePasswordForm()
    disable = disable or forms.DisableTwoFactorForm()
    return render_template("auth/account.html", profile=profile, password_form=password, disable_form=disable,
                           remaining_codes=totp.remaining_recovery_codes(user) if user.totp_enabled else 0,
                           regenerate_form=forms.FlaskForm()), status


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
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Le mot de passe actuel est incorrect."))
        else:
            operations.set_password(current_user, form.password.data)
            db.session.commit()
            login_user(current_user._get_current_object())  # new session token: keep this session signed in
            flash(_("Votre mot de passe a été changé. Vos autres sessions ont été déconnectées."), "success")
            return redirect(url_for("account.account"))
    return _render(password=form, status=400)


@bp.post("/double-authentification/desactiver")
@allow(signed_in)
def disable_totp():
    if current_user.requires_two_factor():
        flash(_("Votre rôle impose la double authentification : elle ne peut pas être désactivée."), "error")
        return redirect(url_for("account.account"))
    form = forms.DisableTwoFactorForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.current_password.data):
            operations.disable_totp(current_user)
            db.session.commit()
            flash(_("La double authentification est désactivée."), "success")
            return redirect(url_for("account.account"))
        form.current_password.errors.append(_("Le mot de passe actuel est incorrect."))
    return _render(disable=form, status=400)


@bp.post("/codes-de-secours")
@allow(signed_in)
def regenerate_codes():
    if not current_user.totp_enabled:
        return redirect(url_for("account.account"))
    form = forms.FlaskForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.account"))
    codes = totp.issue_recovery_codes(current_user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("account.account"))
