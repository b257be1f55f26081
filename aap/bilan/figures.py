"""The figures of one edition, frozen into the snapshot a published bilan keeps (shape: `snapshot`'s docstring).

Every figure is an SQL aggregation over `facts.dossier_facts`; Python only names and formats the results.
"""
from datetime import datetime

from flask import current_app
from sqlalchemy import case, func, select

from aap.bilan import series, splits
from aap.bilan.facts import days_between, dossier_facts, in_force, percentiles
from aap.bilan.numbers import money, money_or_none, percent, ratio, whole_days
from aap.bilan.supported import supported_structures
from aap.bilan.territory import commune_of_year
from aap.calls.models import Call
from aap.core.formatting import PARIS
from aap.decisions.models import Decision
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.review.assignment_queries import under_review_condition

SCHEMA = 1


def snapshot(call: Call, now: datetime) -> dict:
    """Everything the bilan of `call` shows, as plain JSON values (amounts and rates as strings)."""
    facts = dossier_facts(Dossier.call_id == call.id, commune=commune_of_year(call.year))
    totals = db.session.execute(_totals(facts)).one()
    listed, returning = supported_structures(facts), _returning(call, facts)
    return {
        "schema": SCHEMA, "computed_at": now.isoformat(timespec="seconds"),
        "authority": current_app.config.get("AUTHORITY_NAME") or "",
        "call": _call(call, now, facts),
        "funnel": {"received": totals.received, "eligible": int(totals.eligible or 0),
                   "reviewed": int(totals.examined or 0), "funded": int(totals.funded or 0)},
        "amounts": {"requested": money(totals.requested), "proposed": money_or_none(totals.proposed),
                    "granted": money(totals.granted), "paid": money(totals.paid),
                    "envelope": money_or_none(call.total_envelope)},
        "rates": {"success": percent(totals.funded, totals.received),
                  "oversubscription": ratio(totals.requested, call.total_envelope),
                  "qpv_share": percent(totals.supported_in_qpv, totals.supported),
                  "leverage": ratio(totals.funded_budgets, totals.granted_with_budget)},
        "structures": {"supported": totals.supported, "in_qpv": totals.supported_in_qpv,
                       "first_time": totals.supported - returning, "returning": returning},
        "jobs": {"planned": money(totals.jobs_planned), "created": money_or_none(totals.jobs_created)},
        "delays": _delays(facts),
        "splits": splits.all_splits(call, facts),
        "supported": listed, "supported_unlisted": int(totals.funded or 0) - len(listed),
        "trends": series.trends(call.year), "paths": series.paths(call.year),
        "communes_today": series.communes_today(call.year, now.astimezone(PARIS).date()),
    }


def _totals(facts):
    funded = facts.c.funded == 1
    with_budget = funded & facts.c.project_budget.is_not(None)
    return select(
        func.count(facts.c.dossier_id).label("received"), func.sum(facts.c.eligible).label("eligible"),
        func.sum(facts.c.examined).label("examined"), func.sum(facts.c.funded).label("funded"),
        func.sum(facts.c.requested).label("requested"), func.sum(facts.c.proposed).label("proposed"),
        func.sum(facts.c.granted).label("granted"), func.sum(facts.c.paid).label("paid"),
        func.sum(facts.c.jobs_planned).label("jobs_planned"),
        func.sum(case((funded, facts.c.jobs_created))).label("jobs_created"),
        func.sum(case((with_budget, facts.c.project_budget))).label("funded_budgets"),
        func.sum(case((with_budget, facts.c.granted))).label("granted_with_budget"),
        func.count(func.distinct(case((funded, facts.c.organisation_id)))).label("supported"),
        func.count(func.distinct(case((funded & facts.c.in_qpv.is_(True), facts.c.organisation_id))))
        .label("supported_in_qpv"))


def _call(call: Call, now: datetime, facts) -> dict:
    awaiting = db.session.execute(
        select(func.count()).select_from(facts).join(Dossier, Dossier.id == facts.c.dossier_id)
        .where(facts.c.decided_at.is_(None), under_review_condition(call))).scalar_one()
    return {"id": call.id, "title": call.title, "year": call.year, "edition": call.edition,
            "envelope": money_or_none(call.total_envelope), "awaiting": awaiting,
            "in_progress": call.is_open(now) or awaiting > 0}


def _returning(call: Call, facts) -> int:
    """Structures funded now that an earlier edition funded already."""
    earlier = (select(Dossier.organisation_id).join(Decision, Decision.dossier_id == Dossier.id)
               .join(Call, Call.id == Dossier.call_id).where(in_force(), Call.year < call.year))
    return db.session.execute(
        select(func.count(func.distinct(facts.c.organisation_id)))
        .where(facts.c.funded == 1, facts.c.organisation_id.in_(earlier))).scalar_one()


def _delays(facts) -> dict:
    """Median and 90th percentile, in days: submission → first answer, first answer → first payment."""
    spans = {"decision": days_between(facts.c.decided_at, facts.c.submitted_at),
             "first_payment": days_between(facts.c.first_paid_on, facts.c.decided_at)}
    delays = {}
    for name, span in spans.items():
        days = select(span.label("days")).where(span.is_not(None)).subquery()
        count, median, p90 = db.session.execute(percentiles(days, 0.5, 0.9)).one()
        delays[name] = {"count": count, "median_days": whole_days(median), "p90_days": whole_days(p90)}
    return delays
