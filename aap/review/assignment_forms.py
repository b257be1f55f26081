"""Forms of the assignment page: a pair (reviewer, dossier), chosen from lists or carried by a button."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired

from aap.core.inputs import Form

CHOOSE = _l("Choisissez dans la liste.")


class PairForm(Form):
    """Chosen in two lists: one pool member, one dossier of the call."""

    reviewer = SelectField(_l("Relecteur·rice"), coerce=int, validate_choice=False,
                         validators=[DataRequired(CHOOSE)])
    dossier = SelectField(_l("Dossier"), coerce=int, validate_choice=False,
                         validators=[DataRequired(CHOOSE)])


class PairButton(Form):
    """A button that names one pair of the proposal."""

    reviewer = HiddenField(validators=[DataRequired()])
    dossier = HiddenField(validators=[DataRequired()])


class ConfirmForm(Form):
    #: the number of changes by hand the person saw: a proposal changed since is not confirmed blindly
    edits = IntegerField(validators=[InputRequired()])
