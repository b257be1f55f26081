"""Forms of the live meeting: buttons that carry the item their page showed, the vote, the recommendation."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from aap.committee.models import RECOMMENDATIONS
from aap.core.inputs import FiniteDecimalField, Form, database_int

NOTES_LIMIT = 5000


class StepForm(Form):
    """A chair's button: the item the page showed, so that a click made on a page already out of date does nothing."""

    #: sent beside the button, not rendered by the form
    shown_item = StringField()

    def shown_item_id(self) -> int | None:
        try:
            return database_int(self.shown_item.data) if self.shown_item.data else None
        except ValueError:
            return -1  # matches no item: refused as out of date


class OpenForm(Form):
    without_quorum = BooleanField(_l("Ouvrir la séance sans le quorum : le procès-verbal dira « quorum non atteint »"))


class CloseForm(Form):
    without_recommendation = BooleanField(_l("Clore la séance en laissant ces dossiers sans avis du comité"))


class HandOverForm(Form):
    next_chair = SelectField(_l("Personne qui préside ensuite"), coerce=int, validate_choice=False,
                             validators=[DataRequired(_l("Choisissez la personne qui préside ensuite dans la liste."))])


class TakeChairForm(Form):
    confirm = BooleanField(_l("Je prends la présidence : la personne qui présidait ne peut plus agir"))


class VoteForm(Form):
    #: sent by the button pressed; the operation checks it is one of the votes
    choice = StringField()


class RecommendationForm(Form):
    recommendation = RadioField(_l("Avis du comité"), choices=list(RECOMMENDATIONS.items()),
                                validators=[DataRequired(_l("Choisissez l'avis du comité : favorable, défavorable ou "
                                                            "ajourné."))])
    amount = FiniteDecimalField(_l("Montant proposé (en euros)"), places=2, validators=[Optional()],
                                description=_l("Obligatoire pour un avis favorable ; au plus le montant demandé."))
    postponed_to = StringField(
        _l("Reporté à"), validators=[Length(max=200, message=_l("Ce texte dépasse 200 caractères : abrégez-le."))],
        description=_l("Pour un dossier ajourné : la séance ou l'édition suivante, par exemple « séance de juin » ou "
                       "« édition 2027 »."))
    notes = TextAreaField(_l("Notes du comité"), validators=[Length(max=NOTES_LIMIT, message=_l(
        "Les notes dépassent 5 000 caractères : abrégez-les."))])
    over_envelope = BooleanField(_l("Je confirme ce montant au-delà de ce qui reste de l'enveloppe"))
