from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from aap.auth.forms import REQUIRED
from aap.core.fields import MultiCheckboxField
from aap.core.inputs import Form

AUDIENCE_LABELS = {
    "holders": _l("Porteur·ses de projet (membres des structures)"),
    "reviewers": _l("Relecteur·rices"),
    "committee": _l("Membres du comité"),
    "instructors": _l("Instructeur·rices"),
}
STATUS_LABELS = {"held": _l("En attente de validation"), "sent": _l("Envoyé"), "cancelled": _l("Annulé")}
#: the mails of a message, in the order they move through
MAIL_LABELS = {"held": _l("Retenu"), "pending": _l("À envoyer"), "sending": _l("En cours d'envoi"),
               "sent": _l("Envoyé"), "failed": _l("Échec")}


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class BulkMessageForm(Form):
    role = SelectField(_l("Destinataires"), choices=list(AUDIENCE_LABELS.items()),
                       validators=[DataRequired(REQUIRED)])
    call_id = SelectField(_l("Appel à projets"), coerce=_optional_int,
                          description=_l("Facultatif. Porteur·ses : les structures qui ont un dossier sur cet "
                                         "appel ; relecteur·rices et comité : les personnes nommées sur cet appel. "
                                         "Sans appel : toutes les personnes de ce rôle."))
    states = MultiCheckboxField(_l("États des dossiers"),
                                description=_l("Porteur·ses seulement, facultatif : ne garder que les structures "
                                               "dont un dossier est dans l'un de ces états."))
    subject = StringField(_l("Objet"), filters=[lambda value: value.strip() if value else value],
                          validators=[DataRequired(REQUIRED),
                                      Length(max=200,
                                             message=_l("L'objet ne doit pas dépasser %(max)d caractères."))])
    body = TextAreaField(_l("Message"), render_kw={"rows": 12},
                         description=_l("Texte simple, sans mise en forme : les liens sont recopiés tels quels."),
                         validators=[DataRequired(REQUIRED),
                                     Length(max=20000,
                                            message=_l("Le message ne doit pas dépasser %(max)d caractères."))])

    def validate_call_id(self, field):
        if self.role.data == "instructors" and field.data:
            raise ValidationError(_l("Les instructeur·rices ne sont pas nommé·es sur un appel : ne choisissez "
                                     "pas d'appel pour les joindre."))

    def validate_states(self, field):
        if self.role.data != "holders" and field.data:
            raise ValidationError(_l("Les états de dossier ne servent qu'à choisir des porteur·ses de projet : "
                                     "décochez-les ou choisissez les porteur·ses."))
