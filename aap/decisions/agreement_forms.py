"""The agreement's forms: the call's template, the signature with its scan."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired

from aap.core.inputs import Form


class TemplateForm(Form):
    source = TextAreaField(
        _l("Texte du modèle"), render_kw={"rows": 30, "spellcheck": "true"},
        description=_l("Markdown (## titre, **gras**, listes avec « - ») et les valeurs listées à côté, écrites "
                       "{{ montant|money }}, avec {% if … %} et {% for ligne in echeances %}. Chaque enregistrement "
                       "crée une nouvelle version ; une convention déjà générée garde la sienne."),
        validators=[InputRequired(_l("Écrivez le texte de la convention."))])


NOT_A_DAY = _l("Saisissez une date qui existe, au format JJ/MM/AAAA (par exemple 15/03/2026).")


class DayField(DateField):
    """A date typed as 15/03/2026 or chosen in the browser's calendar; anything else is told how to write it."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(NOT_A_DAY)) from None


class SignatureForm(Form):
    signed_on = DayField(_l("Date de signature"), format=["%Y-%m-%d", "%d/%m/%Y"],
                          description=_l("La date à laquelle la dernière partie a signé (au format JJ/MM/AAAA)."),
                          validators=[InputRequired(_l("Indiquez la date de signature de la convention."))])
    file = FileField(_l("Convention signée (scan)"), description=_l("PDF, JPEG ou PNG, 10 Mo au plus."))
