"""The final report's content as plain data: its due date, the actual budget beside the forecast, and what a
submission still lacks. Cerfa 15059 asks for an explanation of every line that differs from the forecast by more
than 20 %.

content = {"qualitative": {"actions": text, "differences": text}, "budget": {line: actual},
           "explanations": {line: text}, "indicators": {key: value}, "indicator_labels": {key: label}}
"""
import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from aap.core.formatting import money
from aap.questionnaire.budget import CHARGES, PRODUITS

REPORT_MONTHS = 6
#: beyond this gap between actual and forecast, in percent, the line must be explained
GAP_PERCENT = Decimal(20)
MAX_TEXT = 10_000
MAX_EXPLANATION = 2_000
JOBS, BENEFICIARIES = "jobs_fte", "beneficiaries"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has none (31 August + 6 → 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def project_end(answers: dict | None) -> date | None:
    try:
        return date.fromisoformat(str((answers or {}).get("end_date", "")))
    except ValueError:
        return None


def due_on_for(answers: dict | None) -> date | None:
    """Six months after the project's end, as the application gave it; None without an end date."""
    end = project_end(answers)
    return add_months(end, REPORT_MONTHS) if end is not None else None


def decimal_or_none(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class BudgetLine:
    code: str
    label: str
    forecast: Decimal
    #: None while the holder has typed nothing for the line
    actual: Decimal | None
    explanation: str

    @property
    def difference(self) -> Decimal | None:
        return None if self.actual is None else self.actual - self.forecast

    @property
    def gap_percent(self) -> Decimal | None:
        """The difference as a share of the forecast; None when nothing was forecast."""
        if self.difference is None or self.forecast == 0:
            return None
        return (self.difference * 100 / self.forecast).quantize(Decimal("0.1"))

    @property
    def needs_explanation(self) -> bool:
        if self.difference is None or self.difference == 0:
            return False
        return self.forecast == 0 or abs(self.difference) * 100 > GAP_PERCENT * self.forecast


@dataclass(frozen=True)
class BudgetSide:
    title: str
    lines: list[BudgetLine]

    @property
    def forecast(self) -> Decimal:
        return sum((line.forecast for line in self.lines), Decimal(0))

    @property
    def actual(self) -> Decimal:
        return sum((line.actual or Decimal(0) for line in self.lines), Decimal(0))

    @property
    def difference(self) -> Decimal:
        return self.actual - self.forecast


def budget_sides(forecast: dict | None, content: dict | None) -> list[BudgetSide]:
    """Charges, then produits: each line's forecast (the application's budget) beside its actual."""
    forecast, content = forecast or {}, content or {}
    actual, explanations = content.get("budget") or {}, content.get("explanations") or {}

    def side(title, lines):
        return BudgetSide(title, [BudgetLine(code, str(label), decimal_or_none(forecast.get(code)) or Decimal(0),
                                             decimal_or_none(actual.get(code)), str(explanations.get(code) or ""))
                                  for code, label in lines])

    return [side(_("Charges"), CHARGES), side(_("Produits"), PRODUITS)]


def submission_problems(content: dict, forecast: dict | None, indicators: list[dict]) -> list[str]:
    """What still prevents the report from being submitted, in words the holder can act on."""
    problems = []
    if not ((content.get("qualitative") or {}).get("actions") or "").strip():
        problems.append(_("Décrivez ce qui a été réalisé (bilan qualitatif)."))
    sides = budget_sides(forecast, content)
    if sides[0].actual == 0:
        problems.append(_("Saisissez les charges réellement engagées (budget réalisé)."))
    for line in (line for side in sides for line in side.lines):
        if line.needs_explanation and not line.explanation.strip():
            problems.append(_("Expliquez l'écart de la ligne « %(line)s » : %(actual)s réalisés pour %(forecast)s "
                              "prévus (plus de 20 %% d'écart).", line=line.label, actual=money(line.actual),
                              forecast=money(line.forecast)))
    values = content.get("indicators") or {}
    asked = [(JOBS, _("emplois créés (ETP)")), (BENEFICIARIES, _("nombre de bénéficiaires"))]
    asked += [(item["key"], item["label"]) for item in indicators]
    for key, label in asked:
        if values.get(key) in (None, ""):
            problems.append(_("Indicateur à renseigner : %(label)s.", label=label))
    return problems
