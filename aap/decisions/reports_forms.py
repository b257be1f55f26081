"""The final report's forms: the holder's (built for the call's own indicators), the staff's review, and the call's
list of indicators."""
import re
import unicodedata
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from aap.core.inputs import FiniteDecimalField, Form
from aap.decisions.reports_content import BENEFICIARIES, JOBS, MAX_EXPLANATION, MAX_TEXT
from aap.questionnaire.budget import CHARGES, PRODUITS

LARGEST_AMOUNT = Decimal("999999999")
NOT_NEGATIVE = _l("Saisissez un nombre positif ou nul.")
MAX_INDICATORS, MAX_INDICATOR_LABEL = 20, 200


class AmountField(FiniteDecimalField):
    """A number as people type it in French: « 12 500,50 » as well as 12500.50, with or without €."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [re.sub(r"[\s\u00a0\u202f€]", "", valuelist[0]).replace(",", ".")]
        super().process_formdata(valuelist)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data, "f").replace(".", ",")


def decimals(places: int, message):
    def check(form, field):
        if field.data is not None and field.data != field.data.quantize(Decimal(1).scaleb(-places)):
            raise ValidationError(str(message))
    return check


def amount_field(label, places: int = 2, largest: Decimal = LARGEST_AMOUNT, message=None, **kwargs):
    message = message or (_l("Un montant s'écrit avec au plus deux décimales.") if places else
                          _l("Saisissez un nombre entier."))
    return AmountField(label, validators=[Optional(), NumberRange(min=0, max=largest, message=NOT_NEGATIVE),
                                          decimals(places, message)],
                       render_kw={"inputmode": "decimal"}, **kwargs)


def text_field(label, most: int, rows: int, **kwargs):
    return TextAreaField(label, validators=[Optional(), Length(max=most, message=_l(
        "Ce texte dépasse %(max)d caractères : raccourcissez-le.", max=most))],
                         render_kw={"rows": rows}, **kwargs)


def line_name(code: str) -> str:
    return code.replace("-", "_")


def indicator_name(key: str) -> str:
    return "i_" + key.replace("-", "_")


class ReportFormBase(Form):
    actions = text_field(_l("Ce qui a été réalisé"), MAX_TEXT, 8, description=_l(
        "Les actions menées, le public touché, les lieux et les dates : ce que le projet a fait."))
    differences = text_field(_l("Les écarts avec le projet, et pourquoi"), MAX_TEXT, 5, description=_l(
        "Ce qui n'a pas été fait comme prévu, ce qui a été fait en plus, et les raisons."))
    jobs_fte = amount_field(_l("Emplois créés (en équivalents temps plein)"), largest=Decimal(100000),
                            message=_l("Saisissez un nombre d'ETP avec au plus deux décimales, par exemple 1,5."))
    beneficiaries = amount_field(_l("Nombre de bénéficiaires"), places=0)
    piece = FileField(_l("Joindre une pièce (facture, bilan, photo…)"), description=_l(
        "PDF, image PNG ou JPEG, document ODT, ODS, DOCX ou XLSX ; 10 Mo au plus par fichier."))


def report_form_class(indicators: list[dict]):
    """The holder's form: each budget line's actual and explanation, then the call's own indicators."""
    fields = {}
    for code, label in CHARGES + PRODUITS:
        fields[f"b_{line_name(code)}"] = amount_field(label)
        fields[f"x_{line_name(code)}"] = text_field(_l("Explication de l'écart : %(line)s", line=label),
                                                    MAX_EXPLANATION, 2)
    for item in indicators:
        fields[indicator_name(item["key"])] = amount_field(item["label"], largest=Decimal("1e11"))
    return type("FinalReportForm", (ReportFormBase,), fields)


def report_form(indicators: list[dict], content: dict | None = None, posted: bool = False):
    """Filled from what was typed on a POST, else from the stored content."""
    form_class = report_form_class(indicators)
    if posted:
        return form_class()
    return form_class(formdata=None, data=form_data(content or {}, indicators))


def form_data(content: dict, indicators: list[dict]) -> dict:
    qualitative, values = content.get("qualitative") or {}, content.get("indicators") or {}
    data = {"actions": qualitative.get("actions", ""), "differences": qualitative.get("differences", ""),
            "jobs_fte": _decimal(values.get(JOBS)), "beneficiaries": _decimal(values.get(BENEFICIARIES))}
    for code, _label in CHARGES + PRODUITS:
        data[f"b_{line_name(code)}"] = _decimal((content.get("budget") or {}).get(code))
        data[f"x_{line_name(code)}"] = (content.get("explanations") or {}).get(code, "")
    for item in indicators:
        data[indicator_name(item["key"])] = _decimal(values.get(item["key"]))
    return data


def _decimal(value) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def content_of(form, indicators: list[dict]) -> dict:
    """The report's content as stored: numbers as text, empty lines left out."""
    def number(name):
        value = form[name].data
        return None if value is None else str(value)

    budget = {code: number(f"b_{line_name(code)}") for code, _label in CHARGES + PRODUITS}
    explanations = {code: (form[f"x_{line_name(code)}"].data or "").strip() for code, _label in CHARGES + PRODUITS}
    values = {JOBS: number("jobs_fte"), BENEFICIARIES: number("beneficiaries")}
    values.update({item["key"]: number(indicator_name(item["key"])) for item in indicators})
    return {"qualitative": {"actions": (form.actions.data or "").strip(),
                            "differences": (form.differences.data or "").strip()},
            "budget": {code: value for code, value in budget.items() if value is not None},
            "explanations": {code: text for code, text in explanations.items() if text},
            "indicators": {key: value for key, value in values.items() if value is not None},
            "indicator_labels": {item["key"]: item["label"] for item in indicators}}


class ReturnForm(Form):
    comment = text_field(_l("Ce que le porteur doit reprendre"), 5000, 4)


class AcceptFormBase(Form):
    comment = text_field(_l("Commentaire (facultatif)"), 5000, 3)


def accept_form_class(decisions):
    """One unspent amount per granted decision (the authority's, each co-funder's)."""
    fields = {f"unspent_{decision.id}": amount_field(_l("Montant non consommé"), description=_l(
        "Laissez vide si tout a été dépensé.")) for decision in decisions}
    return type("AcceptForm", (AcceptFormBase,), fields)


def indicator_key(label: str) -> str:
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_label).strip("-")[:60]


class IndicatorsForm(Form):
    labels = text_field(
        _l("Indicateurs propres à l'appel, un par ligne"), MAX_INDICATORS * (MAX_INDICATOR_LABEL + 2), 8,
        description=_l("Par exemple : « Personnes accompagnées vers l'emploi ». Chaque compte-rendu demande aussi "
                       "les emplois créés et le nombre de bénéficiaires."))

    def validate_labels(self, field):
        indicators(field.data or "")

    def indicators(self) -> list[dict]:
        return indicators(self.labels.data or "")


def indicators(text: str) -> list[dict]:
    """[{"key", "label"}] from one label a line; a refusal says which line is wrong."""
    labels = [line.strip() for line in text.splitlines() if line.strip()]
    if len(labels) > MAX_INDICATORS:
        raise ValidationError(str(_l("Au plus %(n)d indicateurs par appel.", n=MAX_INDICATORS)))
    found, keys = [], {JOBS, BENEFICIARIES}
    for label in labels:
        key = indicator_key(label)
        if len(label) > MAX_INDICATOR_LABEL:
            raise ValidationError(str(_l("« %(label)s… » dépasse %(n)d caractères.", label=label[:40],
                                         n=MAX_INDICATOR_LABEL)))
        if not key:
            raise ValidationError(str(_l("« %(label)s » doit contenir au moins une lettre ou un chiffre.",
                                         label=label)))
        if key in keys:
            raise ValidationError(str(_l("« %(label)s » figure deux fois (ou reprend les emplois créés ou les "
                                         "bénéficiaires, déjà demandés).", label=label)))
        keys.add(key)
        found.append({"key": key, "label": label})
    return found
