from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class TransitionForm(FlaskForm):
    """One form per available transition; what it requires is checked by the engine, with its messages."""

    version = HiddenField()
    comment = TextAreaField(_l("Commentaire"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    amount = StringField(_l("Montant en euros"), validators=[Optional(), Length(max=30)],
                         render_kw={"inputmode": "decimal", "autocomplete": "off"})
    file = FileField(_l("Fichier"), description=_l("PDF, PNG, JPEG, ODT, ODS, DOCX ou XLSX, 10 Mo au plus."))
