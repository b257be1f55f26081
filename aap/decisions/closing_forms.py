"""The closing's form: a titre de recettes recorded as issued, with its number and day."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length

from aap.core.inputs import Form
from aap.decisions.closing_operations import MAX_REFERENCE


class RecoveryIssuedForm(Form):
    reference = StringField(_l("Numéro du titre de recettes"), validators=[
        InputRequired(_l("Indiquez le numéro du titre de recettes.")),
        Length(max=MAX_REFERENCE, message=_l("Le numéro dépasse %(max)d caractères."))])
    issued_on = DateField(_l("Émis le"), format=["%Y-%m-%d", "%d/%m/%Y"], validators=[
        InputRequired(_l("Indiquez le jour d'émission du titre, par exemple 15/03/2027."))])
