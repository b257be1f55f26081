"""Forms of the reviewer pools, preferences, conflicts of interest and declined assignments."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, ValidationError

from aap.auth.forms import REQUIRED, email_field
from aap.core.fields import MultiCheckboxField
from aap.core.inputs import Form
from aap.dossiers.reviewers import CONFLICT_KINDS
from aap.organisations.communes import current_communes
from aap.review.assignment import GROUP_LABELS

UNKNOWN_GROUP = _l("Choisissez l'un des groupes de parties prenantes proposés.")
CAP_RANGE = _l("Saisissez un plafond entre 0 et 500 relectures, ou laissez vide.")


def group_field():
    return SelectField(_l("Groupe de parties prenantes"), choices=list(GROUP_LABELS.items()), validate_choice=False,
                       validators=[DataRequired(REQUIRED), AnyOf(list(GROUP_LABELS), message=UNKNOWN_GROUP)])


def cap_field(label=_l("Plafond de relectures")):  # noqa: B008 - a lazy string, translated when shown
    return IntegerField(label, description=_l("Facultatif : le plus grand nombre de dossiers à confier."),
                        validators=[Optional(), NumberRange(min=0, max=500, message=CAP_RANGE)])


class AddMemberForm(Form):
    email = email_field()
    group = group_field()
    cap = cap_field()


class MemberForm(Form):
    group = group_field()
    cap = cap_field()


class RemoveMemberForm(Form):
    """Only the CSRF token: the page says what the removal does before the button."""


class PreferencesForm(Form):
    strand_ids = MultiCheckboxField(_l("Volets que vous connaissez"), coerce=int, validate_choice=False)
    communes = MultiCheckboxField(_l("Communes où vous ne pouvez pas être neutre"), validate_choice=False,
                                  description=_l("Aucun dossier d'une structure de ces communes ne vous sera "
                                                 "confié."))
    cap = cap_field(_l("Plafond de relectures (facultatif)"))

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.strand_ids.choices = [(strand.id, strand.name) for strand in call.strands]
        self.communes.choices = [(commune.insee_code, commune.name) for commune in current_communes()]

    def validate_strand_ids(self, field):
        if set(field.data or ()) - {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez parmi les volets de l'appel."))

    def validate_communes(self, field):
        if set(field.data or ()) - {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez parmi les communes proposées."))


class ConflictForm(Form):
    kind = RadioField(_l("Nature du conflit d'intérêts"), choices=list(CONFLICT_KINDS.items()), validate_choice=False,
                      validators=[DataRequired(_l("Choisissez la nature du conflit d'intérêts.")),
                                  AnyOf(list(CONFLICT_KINDS), message=_l("Choisissez l'une des natures proposées."))])
    details = TextAreaField(_l("Précisions"), validators=[Length(max=2000)], render_kw={"rows": 3},
                            description=_l("Obligatoires pour « Autre »."))

    def validate_details(self, field):
        if self.kind.data == "other" and not (field.data or "").strip():
            raise ValidationError(_l("Précisez la nature du conflit d'intérêts."))


class RecordConflictForm(ConflictForm):
    user_id = SelectField(_l("Personne"), coerce=lambda value: int(value) if str(value).isdigit() else None,
                          validate_choice=False, validators=[DataRequired(_l("Choisissez la personne."))])
    reference = StringField(_l("Référence du dossier"), validators=[DataRequired(REQUIRED), Length(max=20)],
                            description=_l("Par exemple AAP-2026-0042."))

    def validate_user_id(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez une personne qui relit ou siège au comité de cet appel."))


class ReasonForm(Form):
    reason = TextAreaField(_l("Motif"), render_kw={"rows": 3},
                           validators=[DataRequired(_l("Indiquez le motif.")), Length(max=2000)])
