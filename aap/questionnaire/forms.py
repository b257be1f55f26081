"""WTForms fields built from a form definition; every field is optional while the dossier is a draft."""
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from aap.core.fields import MultiCheckboxField
from aap.core.inputs import FiniteDecimalField, SubForm
from aap.organisations.communes import current_communes
from aap.questionnaire.budget import CHARGES, PRODUITS

POSITIVE = _l("Saisissez un nombre positif.")
YES_NO = [("oui", _l("Oui")), ("non", _l("Non"))]


def field_name(key: str) -> str:
    return f"q_{key}"


def _choices(field) -> list[tuple[str, str]]:
    if field.choices == "communes" or field.type == "commune":
        return [(c.name, c.name) for c in current_communes()]
    return [(str(c), str(c)) for c in field.choices]


def budget_form_class():
    lines = {f"b_{code.replace('-', '_')}": FiniteDecimalField(label, places=2, validators=[
        Optional(), NumberRange(min=0, max=Decimal("999999999"), message=POSITIVE)],
        render_kw={"inputmode": "decimal"}) for code, label in CHARGES + PRODUITS}
    return type("BudgetForm", (SubForm,), lines)


def wtforms_field(field):
    common = {"label": field.label, "description": field.help, "validators": [Optional()]}
    kind = field.type
    if kind == "text":
        return StringField(**{**common, "validators": [Optional(), Length(max=500)]})
    if kind == "long_text":
        return TextAreaField(**{**common, "validators": [Optional(), Length(max=10000)]}, render_kw={"rows": 5})
    if kind == "number":
        return FiniteDecimalField(**{**common, "validators": [Optional(), NumberRange(min=0, message=POSITIVE)]},
                                  render_kw={"inputmode": "decimal"})
    if kind == "money":
        return FiniteDecimalField(**{**common, "validators": [Optional(), NumberRange(min=0, message=POSITIVE)]},
                                  places=2, render_kw={"inputmode": "decimal"})
    if kind == "date":
        return DateField(**common, format=["%Y-%m-%d", "%d/%m/%Y"])
    if kind in ("choice", "commune"):
        return SelectField(**common, choices=[("", _l("— Choisir —"))] + _choices(field))
    if kind == "multi_choice":
        return MultiCheckboxField(**common, choices=_choices(field))
    if kind == "yes_no":
        return RadioField(**common, choices=YES_NO)
    if kind == "budget":
        return FormField(budget_form_class(), label=field.label, description=field.help)
    return None  # "file": asked in the attachments section, under the same key


def to_answer(field, value):
    if field.type == "budget":
        return {code: str(value[f"b_{code.replace('-', '_')}"]) for code, _l in CHARGES + PRODUITS
                if value.get(f"b_{code.replace('-', '_')}") is not None}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value if value not in ("", None, []) else None


def from_answer(field, value):
    if value is None:
        return None
    if field.type == "budget":
        return {f"b_{code.replace('-', '_')}": Decimal(v) for code, v in value.items()}
    if field.type in ("number", "money"):
        return Decimal(value)
    if field.type == "date":
        return date.fromisoformat(value)
    return value
