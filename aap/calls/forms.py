from datetime import time
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from aap.auth.forms import REQUIRED
from aap.core.fields import MultiCheckboxField
from aap.core.inputs import FiniteDecimalField, Form, SubForm
from aap.organisations.communes import current_communes
from aap.organisations.forms import LEGAL_FORM_LABELS

POSITIVE = _l("Saisissez un montant positif.")
MAX_CHECKLIST_ITEMS = 30
#: an item is stored as its text, in the call and on each tick (aap.instruction)
MAX_CHECKLIST_ITEM = 200


def money_field(label, description=None):
    return FiniteDecimalField(label, places=2, description=description,
                        validators=[Optional(), NumberRange(min=Decimal("0.01"), max=Decimal("999999999"),
                                                            message=POSITIVE)],
                        render_kw={"inputmode": "decimal"})


class StrandForm(SubForm):
    name = StringField(_l("Nom du volet"), validators=[Optional(), Length(max=120)])
    envelope = money_field(_l("Enveloppe du volet (€)"), _l("Facultatif."))
    description = TextAreaField(_l("Description du volet"), validators=[Optional(), Length(max=2000)],
                                render_kw={"rows": 2})


class CallForm(Form):
    title = StringField(_l("Titre de l'appel"), validators=[DataRequired(REQUIRED), Length(max=200)])
    year = IntegerField(_l("Année"), validators=[DataRequired(REQUIRED), NumberRange(min=2000, max=2100,
                                                                                    message=_l("Année invalide."))])
    edition = IntegerField(_l("Numéro d'édition"), validators=[Optional(), NumberRange(min=1, max=999)])
    funders = TextAreaField(_l("Financeurs"), description=_l("Un financeur par ligne."),
                            validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    description = TextAreaField(_l("Présentation de l'appel"), validators=[Optional(), Length(max=20000)],
                                description=_l("Format Markdown : **gras**, listes avec « - », titres avec « ## »."),
                                render_kw={"rows": 8})
    workflow_name = SelectField(_l("Cycle de traitement"), validators=[DataRequired(REQUIRED)],
                                description=_l("Fixé à la publication de l'appel."))
    opens_on = DateField(_l("Ouverture des dépôts le"), validators=[DataRequired(REQUIRED)],
                         format=["%Y-%m-%d", "%d/%m/%Y"])
    opens_time = TimeField(_l("Heure d'ouverture (heure de Paris)"), default=time(9, 0),
                           validators=[DataRequired(REQUIRED)])
    closes_on = DateField(_l("Clôture des dépôts le"), validators=[DataRequired(REQUIRED)],
                          format=["%Y-%m-%d", "%d/%m/%Y"])
    closes_time = TimeField(_l("Heure de clôture (heure de Paris)"), default=time(12, 0),
                            validators=[DataRequired(REQUIRED)],
                            description=_l("Un dossier déposé après cette minute est refusé."))
    total_envelope = money_field(_l("Enveloppe totale (€)"))
    min_amount = money_field(_l("Montant minimum par dossier (€)"))
    max_amount = money_field(_l("Montant maximum par dossier (€)"))
    max_share_percent = FiniteDecimalField(_l("Part maximale du budget du projet (%)"), places=2,
                                     validators=[Optional(), NumberRange(min=1, max=100, message=_l(
                                         "Saisissez un pourcentage entre 1 et 100."))])
    eligible_legal_forms = MultiCheckboxField(_l("Formes juridiques acceptées"),
                                              choices=list(LEGAL_FORM_LABELS.items()),
                                              description=_l("Aucune case cochée : toutes sont acceptées."))
    eligible_communes = MultiCheckboxField(_l("Territoire : communes du siège"),
                                           description=_l("Aucune case cochée : toutes les communes."))
    min_age_years = IntegerField(_l("Ancienneté minimale de la structure (années)"),
                                 validators=[Optional(), NumberRange(min=0, max=200)])
    max_age_years = IntegerField(_l("Ancienneté maximale de la structure (années)"),
                                 validators=[Optional(), NumberRange(min=0, max=200)])
    required_attachments = TextAreaField(_l("Pièces jointes obligatoires"), render_kw={"rows": 4},
                                         description=_l("Une pièce par ligne, par exemple « Statuts signés »."),
                                         validators=[Optional(), Length(max=3000)])
    eligibility_checklist = TextAreaField(
        _l("Points de recevabilité"), render_kw={"rows": 6}, validators=[Optional(), Length(max=6000)],
        description=_l("Un point par ligne : l'instructeur·rice les coche tous avant de déclarer un dossier "
                       "recevable ; ceux qui restent décochés motivent une irrecevabilité."))
    strands = FieldList(FormField(StrandForm), min_entries=1, max_entries=12)
    reviews_per_dossier = IntegerField(_l("Relectures par dossier"), default=3,
                                       validators=[Optional(), NumberRange(min=1, max=20, message=_l(
                                           "Saisissez un nombre de relectures entre 1 et 20."))])
    # five stakeholder groups exist (aap.review.assignment.GROUP_LABELS, a layer above calls)
    groups_per_dossier = IntegerField(_l("Groupes de parties prenantes par dossier"), default=2,
                                      description=_l("Les relectures d'un dossier viennent d'au moins ce nombre de "
                                                     "groupes différents."),
                                      validators=[Optional(), NumberRange(min=1, max=5, message=_l(
                                          "Saisissez un nombre de groupes entre 1 et 5."))])
    review_days = IntegerField(_l("Délai de relecture (jours)"), default=21,
                               description=_l("Compté à partir de l'attribution du dossier au relecteur."),
                               validators=[Optional(), NumberRange(min=1, max=365, message=_l(
                                   "Saisissez un délai entre 1 et 365 jours."))])
    hide_holder_identity = BooleanField(_l("Cacher l'identité du porteur aux relecteurs"))
    scores_in_session = BooleanField(
        _l("Le comité note les dossiers en séance"),
        description=_l("Pour un appel sans relecture préalable : chaque membre convoqué note le dossier en cours sur "
                       "la grille de l'appel, depuis la séance en direct."))

    def __init__(self, *args, workflows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.workflow_name.choices = [(name, f"{label} ({name})") for name, label in workflows]
        self.eligible_communes.choices = [(c.insee_code, c.name) for c in current_communes()]

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and (field.data, self.closes_time.data or time()) <= \
                (self.opens_on.data, self.opens_time.data or time()):
            raise ValidationError(_l("La clôture doit venir après l'ouverture."))

    def validate_max_amount(self, field):
        if field.data and self.min_amount.data and field.data < self.min_amount.data:
            raise ValidationError(_l("Le maximum ne peut pas être inférieur au minimum."))
        if field.data and self.total_envelope.data and field.data > self.total_envelope.data:
            raise ValidationError(_l("Le maximum par dossier dépasse l'enveloppe totale."))

    def validate_max_age_years(self, field):
        if field.data is not None and self.min_age_years.data is not None and field.data < self.min_age_years.data:
            raise ValidationError(_l("L'ancienneté maximale ne peut pas être inférieure à la minimale."))

    def validate_eligibility_checklist(self, field):
        items = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if len(items) > MAX_CHECKLIST_ITEMS:
            raise ValidationError(_l("Gardez au plus %(n)d points de recevabilité.", n=MAX_CHECKLIST_ITEMS))
        if any(len(item) > MAX_CHECKLIST_ITEM for item in items):
            raise ValidationError(_l("Un point de recevabilité dépasse %(n)d caractères.", n=MAX_CHECKLIST_ITEM))
        if len({item.casefold() for item in items}) != len(items):
            raise ValidationError(_l("Un point de recevabilité est écrit deux fois."))

    def validate_groups_per_dossier(self, field):
        if field.data and self.reviews_per_dossier.data and field.data > self.reviews_per_dossier.data:
            raise ValidationError(_l("Le nombre de groupes ne peut pas dépasser le nombre de relectures par "
                                     "dossier : chaque groupe doit fournir au moins une relecture."))

    def validate_strands(self, field):
        envelopes = [entry.form.envelope.data for entry in field.entries
                     if entry.form.name.data and entry.form.envelope.data]
        if self.total_envelope.data and sum(envelopes, Decimal(0)) > self.total_envelope.data:
            raise ValidationError(_l("Les enveloppes des volets dépassent l'enveloppe totale."))
        for entry in field.entries:
            if entry.form.envelope.data and not entry.form.name.data:
                raise ValidationError(_l("Donnez un nom à chaque volet qui a une enveloppe."))


class ApplicationFormForm(Form):
    source = TextAreaField(_l("Formulaire de candidature (YAML)"), validators=[DataRequired(REQUIRED),
                                                                            Length(max=100000)],
                           render_kw={"rows": 30, "spellcheck": "false"},
                           description=_l("Sections et champs : types text, long_text, number, money, date, choice, "
                                          "multi_choice, yes_no, commune, file, budget ; options required, help, "
                                          "choices, show_if, must_be, identifying (réponse masquée aux relecteurs "
                                          "quand l'appel cache l'identité des porteurs)."))
