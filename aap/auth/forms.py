from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm  # noqa: F401  (views build bare CSRF-only forms from it)
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from aap.auth.passwords import MIN_LENGTH, PASSPHRASE_LENGTH, password_problems
from aap.core.i18n import LOCALES
from aap.core.inputs import Form

REQUIRED = _l("Ce champ est obligatoire.")
INVALID_EMAIL = _l("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.")


def email_field(label=_l("Adresse e-mail")):  # noqa: B008 - a lazy string, translated when shown
    return EmailField(label, validators=[DataRequired(REQUIRED), Length(max=254), Email(INVALID_EMAIL)],
                      render_kw={"autocomplete": "email"},
                      filters=[lambda value: value.strip().lower() if value else value])


class StrongPassword:
    """Applies the password policy; the form's email (if any) is checked against too."""

    def __call__(self, form, field):
        email = form.email.data if hasattr(form, "email") else getattr(form, "account_email", "")
        problems = password_problems(field.data or "", email or "")
        if problems:
            raise ValidationError(" ".join(problems))


def new_password_fields():
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(REQUIRED), StrongPassword()],
                             description=_l("Au moins %(min)d caractères avec trois types parmi minuscules, "
                                            "majuscules, chiffres et symboles ; ou une phrase de passe d'au moins "
                                            "%(long)d caractères.", min=MIN_LENGTH, long=PASSPHRASE_LENGTH),
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Confirmez le mot de passe"),
                            validators=[DataRequired(REQUIRED),
                                        EqualTo("password", _l("Les deux mots de passe ne sont pas identiques."))],
                            render_kw={"autocomplete": "new-password"})
    return password, confirm


class RegisterForm(Form):
    full_name = StringField(_l("Nom et prénom"), validators=[DataRequired(REQUIRED), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    email = email_field()
    password, confirm = new_password_fields()


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})


class TwoFactorForm(Form):
    code = StringField(_l("Code à 6 chiffres, ou code de secours"),
                       validators=[DataRequired(REQUIRED), Length(max=20)],
                       description=_l("Le code affiché par votre application d'authentification."),
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class EnrolForm(Form):
    code = StringField(_l("Code à 6 chiffres affiché par l'application"),
                       validators=[DataRequired(REQUIRED), Length(max=10)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password, confirm = new_password_fields()


class AcceptInvitationForm(Form):
    full_name = StringField(_l("Nom et prénom"), validators=[DataRequired(REQUIRED), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    password, confirm = new_password_fields()


class AccountForm(Form):
    full_name = StringField(_l("Nom et prénom"), validators=[DataRequired(REQUIRED), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    locale = SelectField(_l("Langue de l'interface et des e-mails"), choices=list(LOCALES.items()))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})
    password, confirm = new_password_fields()


class ConfirmPasswordForm(Form):
    current_password = PasswordField(_l("Mot de passe"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})


class DisableTwoFactorForm(Form):
    current_password = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})
    confirm = BooleanField(_l("Je comprends que mon compte sera moins protégé"),
                           validators=[DataRequired(_l("Cochez la case pour confirmer."))])


class ResendVerificationForm(Form):
    email = email_field()

