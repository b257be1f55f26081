import math
import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from aap.auth import forms, operations, sessions, throttle, totp
from aap.auth.models import User
from aap.auth.queries import account_with_session_token
from aap.auth.tokens import TokenError, read_token
from aap.core.permissions import allow, public
from aap.core.ratelimit import LimitsUnavailable, RateLimited, limit_mail, mail_refusal_message, refusal_answer
from aap.core.urls import local_target
from aap.extensions import db

bp = Blueprint("auth", __name__)
PENDING_LOGIN_SECONDS = 600


def _safe_next(target: str | None = None) -> str:
    """The visitor's `next` (or the given target) if it stays on this site, else the home page."""
    return local_target(request.args.get("next") if target is None else target, url_for("public_calls.home"))


def _throttled_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("Trop de tentatives de connexion. Par sécurité, réessayez dans %(num)d minute.",
                    "Trop de tentatives de connexion. Par sécurité, réessayez dans %(num)d minutes.", minutes)


def _refused(refusal: Exception, errors: list, template: str, message: str | None = None, **context):
    """The form again, as typed, with why it was refused and when to try again (429 or 503 + Retry-After)."""
    if message is None and isinstance(refusal, RateLimited):
        message = _throttled_message(refusal.seconds)
    errors.append(message or _("Par sécurité, cette vérification est suspendue tant que le décompte des "
                               "tentatives est indisponible. Réessayez dans une minute : ce que vous avez "
                               "saisi a été gardé."))
    return render_template(template, **context), *refusal_answer(refusal)


def _mail_refused(refusal: Exception, form, template: str, **context):
    return _refused(refusal, form.form_errors, template, mail_refusal_message(refusal), form=form, **context)


@bp.route("/inscription", methods=["GET", "POST"])
@allow(public)
def register():
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            limit_mail(form.email.data)
        except (RateLimited, LimitsUnavailable) as refusal:
            return _mail_refused(refusal, form, "auth/register.html")
        operations.register(form.full_name.data, form.email.data, form.password.data, str(get_locale()))
        db.session.commit()
        return redirect(url_for("auth.check_mailbox"))
    return render_template("auth/register.html", form=form)


@bp.get("/inscription/verifiez-vos-mails")
@allow(public)
def check_mailbox():
    return render_template("auth/check_mailbox.html")


@bp.route("/verification/<token>", methods=["GET", "POST"])
@allow(public)
def verify_email(token):
    # a GET only shows a button, so that mail scanners following links don't use the token up
    try:
        user = read_token(token, "verify")
    except TokenError as error:
        return render_template("auth/token_error.html", message=str(error),
                               retry_url=url_for("auth.resend_verification")), 400
    if request.method == "POST":
        operations.verify_email(token)
        db.session.commit()
        flash(_("Votre adresse e-mail est confirmée. Vous pouvez vous connecter."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/verify_email.html", user=user, form=forms.FlaskForm())


@bp.route("/verification/renvoyer", methods=["GET", "POST"])
@allow(public)
def resend_verification():
    form = forms.ResendVerificationForm()
    if form.validate_on_submit():
        try:
            limit_mail(form.email.data)  # counted for unknown addresses too, so the answer tells nothing
        except (RateLimited, LimitsUnavailable) as refusal:
            return _mail_refused(refusal, form, "auth/resend_verification.html")
        user = operations.find_user(form.email.data)
        if user is not None and user.email_verified_at is None and user.password_hash:
            operations.send_verification(user)
            db.session.commit()
        return redirect(url_for("auth.check_mailbox"))
    return render_template("auth/resend_verification.html", form=form)


@bp.route("/connexion", methods=["GET", "POST"])
@allow(public)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next())
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            attempt = throttle.count_login(form.email.data)
        except (RateLimited, LimitsUnavailable) as refusal:
            return _refused(refusal, form.form_errors, "auth/login.html", form=form)
        user = operations.check_credentials(form.email.data, form.password.data)
        if user is None:
            db.session.commit()
            form.form_errors.append(_("Adresse e-mail ou mot de passe incorrect."))
            return render_template("auth/login.html", form=form), 200
        attempt.succeeded()
        if user.email_verified_at is None:
            return _unverified(user, form)
        db.session.commit()
        if user.totp_enabled or user.requires_two_factor():
            session["pending_login"] = {"token": user.session_token, "at": time.time(),
                                        "next": _safe_next()}
            return redirect(url_for("auth.two_factor" if user.totp_enabled else "auth.enrol_totp"))
        return _complete_login(user, _safe_next())
    return render_template("auth/login.html", form=form)


def _unverified(user: User, form):
    """The right password on an unconfirmed address: a new link, unless this address was sent enough already."""
    try:
        limit_mail(user.email)
    except (RateLimited, LimitsUnavailable):
        form.form_errors.append(_("Votre adresse e-mail n'est pas encore confirmée. Ouvrez le lien de confirmation "
                                  "que nous vous avons déjà envoyé (regardez aussi dans les indésirables)."))
        return render_template("auth/login.html", form=form), 200
    operations.send_verification(user)
    db.session.commit()
    form.form_errors.append(_("Votre adresse e-mail n'est pas encore confirmée. "
                              "Nous venons de vous renvoyer le lien de confirmation."))
    return render_template("auth/login.html", form=form), 200


def _pending_user() -> User | None:
    pending = session.get("pending_login")
    if not pending or time.time() - pending.get("at", 0) > PENDING_LOGIN_SECONDS:
        session.pop("pending_login", None)
        return None
    return account_with_session_token(pending["token"])


def _complete_login(user: User, target: str):
    session.pop("pending_login", None)
    operations.record_login(user)
    sessions.open_session(user)
    db.session.commit()
    login_user(user)
    session["locale"] = user.locale
    return redirect(target)


@bp.route("/connexion/code", methods=["GET", "POST"])
@allow(public)
def two_factor():
    user = _pending_user()
    if user is None or not user.totp_enabled:
        flash(_("Votre session de connexion a expiré. Saisissez de nouveau vos identifiants."), "warning")
        return redirect(url_for("auth.login"))
    form = forms.TwoFactorForm()
    if form.validate_on_submit():
        try:
            throttle.count_second_factor(user.id)
        except (RateLimited, LimitsUnavailable) as refusal:
            return _refused(refusal, form.code.errors, "auth/two_factor.html", form=form)
        if totp.check_totp(user, form.code.data) or totp.use_recovery_code(user, form.code.data):
            throttle.second_factor_succeeded(user.id)
            return _complete_login(user, _safe_next(session["pending_login"].get("next", "")))
        form.code.errors.append(_("Ce code n'est pas valable. Vérifiez l'heure de votre téléphone, "
                                  "attendez le code suivant et réessayez."))
    return render_template("auth/two_factor.html", form=form)


@bp.route("/connexion/double-authentification", methods=["GET", "POST"])
@allow(public)
def enrol_totp():
    user = current_user if current_user.is_authenticated else _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    if user.totp_enabled:
        return redirect(url_for("account.account"))
    secret = session.get("enrol_secret") or totp.new_secret()
    session["enrol_secret"] = secret
    form = forms.EnrolForm()
    if form.validate_on_submit():
        if totp.matching_step(secret, form.code.data) is not None:
            codes = operations.enable_totp(user, secret)
            session.pop("enrol_secret", None)
            db.session.commit()
            target = url_for("account.account")
            if not current_user.is_authenticated:
                target = _safe_next(session["pending_login"].get("next", ""))
                _complete_login(user, target)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=target)
        form.code.errors.append(_("Ce code ne correspond pas. Vérifiez que vous avez scanné le QR code "
                                  "affiché sur cette page, puis saisissez le code actuel."))
    uri = totp.provisioning_uri(secret, user.email)
    return render_template("auth/enrol_totp.html", form=form, secret=secret, qr=totp.qr_data_uri(uri),
                           mandatory=user.requires_two_factor())


@bp.post("/deconnexion")
@allow(public)
def logout():
    if current_user.is_authenticated:
        sessions.end_session(sessions.current_session(current_user))  # a copy of the cookie opens nothing now
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté·e."), "success")
    return redirect(url_for("public_calls.home"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@allow(public)
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            limit_mail(form.email.data)  # counted for unknown addresses too, so the answer tells nothing
        except (RateLimited, LimitsUnavailable) as refusal:
            return _mail_refused(refusal, form, "auth/forgot_password.html")
        operations.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/check_mailbox.html", reset=True)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@allow(public)
def reset_password(token):
    try:
        user = read_token(token, "reset")
    except TokenError as error:
        return render_template("auth/token_error.html", message=str(error),
                               retry_url=url_for("auth.forgot_password")), 400
    form = forms.ResetPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        operations.reset_password(token, form.password.data)
        db.session.commit()
        flash(_("Votre mot de passe a été changé. Connectez-vous avec le nouveau."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@allow(public)
def accept_invitation(token):
    try:
        user = read_token(token, "invite")
    except TokenError as error:
        return render_template("auth/token_error.html", message=str(error), retry_url=None), 400
    form = forms.AcceptInvitationForm()
    form.account_email = user.email
    if form.validate_on_submit():
        operations.accept_invitation(token, form.full_name.data, form.password.data)
        db.session.commit()
        flash(_("Votre compte est prêt. Connectez-vous pour continuer."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/accept_invitation.html", form=form, user=user)

