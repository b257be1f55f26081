"""The minutes' forms: the chair's free text, and the lock that confirms what was read."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from aap.committee.minutes import MAX_TEXT
from aap.core.inputs import Form

TOO_LONG = _l("Le texte dépasse 20 000 caractères : raccourcissez-le (les avis, votes et présences s'écrivent d'eux-"
              "mêmes, inutile de les recopier).")


class MinutesTextForm(Form):
    text = TextAreaField(
        _l("Introduction et observations"), render_kw={"rows": 10},
        description=_l("Texte libre placé en tête du procès-verbal : déroulé de la séance, observations, points "
                       "divers. Les présences, le quorum, les votes et les avis s'ajoutent d'eux-mêmes."),
        validators=[Optional(), Length(max=MAX_TEXT, message=TOO_LONG)])
    #: the digest of the stored text when the page was shown, so that two editors never overwrite each other
    based_on = HiddenField(validators=[Optional(), Length(max=64)])


class LockForm(Form):
    #: the version and the fingerprint of the document as the page showed it: what is locked is what was read
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1, max=10_000)])
    seen = HiddenField(validators=[DataRequired(), Length(max=64)])
    confirm = BooleanField(
        _l("J'ai relu le procès-verbal ; une fois verrouillé, il ne change plus (une correction en sera une nouvelle "
           "version)."),
        validators=[DataRequired(_l("Cochez la case pour confirmer que vous avez relu le procès-verbal avant de le "
                                    "verrouiller."))])
