from decimal import Decimal
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from aap.core.formatting import money
from aap.core.inputs import FiniteDecimalField, Form
from aap.dossiers.messages import MAX_BODY
from aap.questionnaire.definition import parse_source
from aap.questionnaire.forms import field_name, from_answer, wtforms_field


class MessageForm(Form):
    body = TextAreaField(_l("Votre message"), render_kw={"rows": 4},
                         validators=[DataRequired(_l("Écrivez votre message avant de l'envoyer.")),
                                     Length(max=MAX_BODY, message=_l("Le message dépasse 10 000 caractères."))])
    file = FileField(_l("Pièce jointe (facultatif)"),
                     description=_l("PDF, PNG, JPEG, ODT, ODS, DOCX ou XLSX, 10 Mo au plus."))


class SupportForm(Form):
    reason = TextAreaField(_l("Pourquoi ouvrez-vous ce brouillon ?"), render_kw={"rows": 3},
                           description=_l("Par exemple : « appel de la structure le 3 mars, aide au budget ». "
                                          "Ce motif est inscrit à l'historique du dossier, que la structure lit."),
                           validators=[DataRequired(_l("Indiquez le motif de cette ouverture.")),
                                       Length(max=500, message=_l("Le motif dépasse 500 caractères."))])


class TransitionForm(Form):
    """One form per available transition; what it requires is checked by the engine, with its messages."""

    version = HiddenField()
    comment = TextAreaField(_l("Commentaire"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})
    amount = StringField(_l("Montant en euros"), validators=[Optional(), Length(max=30)],
                         render_kw={"inputmode": "decimal", "autocomplete": "off"})
    file = FileField(_l("Fichier"), description=_l("PDF, PNG, JPEG, ODT, ODS, DOCX ou XLSX, 10 Mo au plus."))


class DossierForm(Form):
    """The core of the application; saved as a draft at every step, checked in full at submission."""

    version = HiddenField()
    title = StringField(_l("Titre du projet"), validators=[Optional(), Length(max=300)])
    strand_id = SelectField(_l("Volet"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    summary = TextAreaField(_l("Description du projet"), validators=[Optional(), Length(max=10000)],
                            description=_l("Objectifs, publics, actions prévues, territoire."), render_kw={"rows": 8})
    requested_amount = FiniteDecimalField(_l("Montant demandé (€)"), places=2, validators=[
        Optional(), NumberRange(min=Decimal("0.01"), max=Decimal("999999999"),
                                message=_l("Saisissez un montant positif."))], render_kw={"inputmode": "decimal"})

    public_summary = TextAreaField(
        _l("Résumé public du projet"), validators=[Optional(), Length(max=600)], render_kw={"rows": 3},
        description=_l("Deux ou trois phrases, 600 caractères au plus, pour le bilan public de l'appel si le projet "
                       "est soutenu."))
    publication_consent = BooleanField(
        _l("J'accepte que le nom de la structure, le titre du projet et ce résumé soient publiés dans le bilan "
           "de l'appel si le projet est soutenu."))

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.strand_id.choices = [("", _l("— Choisir —"))] + [(s.id, s.name) for s in (call.strands if call else [])]

    def validate_requested_amount(self, field):
        call = self.call
        if field.data is None or call is None:
            return
        if call.min_amount and field.data < call.min_amount:
            raise ValidationError(_l("Le montant demandé est inférieur au minimum de l'appel (%(amount)s).",
                                     amount=money(call.min_amount)))
        if call.max_amount and field.data > call.max_amount:
            raise ValidationError(_l("Le montant demandé dépasse le maximum de l'appel (%(amount)s).",
                                     amount=money(call.max_amount)))


@lru_cache(maxsize=64)
def questionnaire_form_class(version_id: int, source: str):
    """The dossier form plus the questions of one version of the call's application form."""
    attributes = {}
    for field in parse_source(source).fields():
        built = wtforms_field(field)
        if built is not None:
            attributes[field_name(field.key)] = built
    return type(f"DossierForm{version_id}", (DossierForm,), attributes)


def dossier_form(dossier, **kwargs) -> DossierForm:
    version = dossier.form_version
    if version is None:
        return DossierForm(obj=dossier, call=dossier.call, **kwargs)
    answers = dossier.answers or {}
    data = {field_name(f.key): from_answer(f, answers.get(f.key)) for f in version.definition.fields()}
    return questionnaire_form_class(version.id, version.source)(obj=dossier, call=dossier.call, data=data, **kwargs)
