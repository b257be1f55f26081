"""A dossier's funding plan: the project's budget against what each funder asked for and decided."""
from dataclasses import dataclass
from decimal import Decimal

from aap.decisions.models import GRANTED, Decision
from aap.questionnaire.budget import PRODUITS, amount, totals


@dataclass(frozen=True)
class PlannedLine:
    label: str
    planned: Decimal


@dataclass(frozen=True)
class FundingPlan:
    budget: Decimal
    #: the produits the holder planned, as the budget's lines say (subsidies asked of each public funder…)
    planned: list[PlannedLine]
    decisions: list[Decision]

    @property
    def granted(self) -> Decimal:
        return sum((d.amount for d in self.decisions if d.outcome == GRANTED and d.amount), Decimal(0))

    @property
    def left_to_fund(self) -> Decimal:
        return max(self.budget - self.granted, Decimal(0))

    @property
    def share_percent(self) -> Decimal | None:
        return (self.granted * 100 / self.budget).quantize(Decimal("0.1")) if self.budget else None


def funding_plan(dossier, decisions: list[Decision]) -> FundingPlan:
    budget = (dossier.answers or {}).get("budget") or {}
    charges, _produits = totals(budget)
    planned = [PlannedLine(str(label), amount(budget.get(code))) for code, label in PRODUITS
               if code.startswith("74") and amount(budget.get(code))]
    return FundingPlan(charges, planned, decisions)
