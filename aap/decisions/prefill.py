"""What the decision form shows first: the staged decision being changed, else what the committee recommended."""
from sqlalchemy import select

from aap.committee.models import FAVORABLE, POSTPONED, UNFAVORABLE, AgendaItem
from aap.core.formatting import number
from aap.decisions.deciding import current_decision
from aap.decisions.models import GRANT, GRANTED, REFUSED, Decision
from aap.decisions.models import POSTPONED as DECISION_POSTPONED
from aap.extensions import db

FROM_RECOMMENDATION = {FAVORABLE: GRANTED, UNFAVORABLE: REFUSED, POSTPONED: DECISION_POSTPONED}


def typed_amount(value) -> str:
    return number(value, 2).replace("\u202f", " ").removesuffix(",00") if value is not None else ""


def from_decision(decision: Decision) -> dict:
    details = decision.details or {}
    repayments = "\n".join(f"{step['due_on'][8:10]}/{step['due_on'][5:7]}/{step['due_on'][:4]} "
                           f"{typed_amount(step['amount'])}" for step in details.get("repayments", []))
    return {"outcome": decision.outcome, "instrument": decision.instrument or GRANT,
            "amount": typed_amount(decision.amount), "in_kind_description": details.get("description", ""),
            "shares": str(details.get("shares", "")), "share_value": typed_amount(details.get("share_value")),
            "repayments": repayments, "motivation": decision.motivation,
            "deliberation_reference": decision.deliberation_reference, "deliberation_date": decision.deliberation_date}


def last_recommendation(dossier_id: int) -> AgendaItem | None:
    return db.session.execute(select(AgendaItem).where(AgendaItem.dossier_id == dossier_id,
                                                       AgendaItem.recommendation.is_not(None))
                              .order_by(AgendaItem.id.desc()).limit(1)).scalar_one_or_none()


def from_recommendation(item: AgendaItem | None) -> dict:
    if item is None:
        return {"instrument": GRANT}
    motivation = item.notes if item.recommendation != POSTPONED else "\n".join(
        part for part in (item.postponed_to, item.notes) if part)
    return {"outcome": FROM_RECOMMENDATION.get(item.recommendation), "instrument": GRANT,
            "amount": typed_amount(item.amount), "motivation": motivation}


def prefilled(dossier, funder) -> dict:
    staged = current_decision(dossier.id, funder)
    if staged is not None and not staged.released:
        return from_decision(staged)
    return from_recommendation(last_recommendation(dossier.id)) if funder is None else {"instrument": GRANT}
