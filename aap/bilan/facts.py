"""One row per received dossier, in SQL: what every figure of the bilan aggregates.

Each figure is a GROUP BY over `dossier_facts(...)`; nothing here loops over dossiers in Python.
"""
from sqlalchemy import Float, and_, case, cast, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Float as FloatType

from aap.committee.models import AgendaItem
from aap.decisions.grant_models import FinalReport, PaymentTranche
from aap.decisions.models import GRANTED, REFUSED, Decision
from aap.dossiers.models import Dossier
from aap.organisations.models import Organisation
from aap.review.models import SUBMITTED, Review

ACCEPTED = "accepted"


class days_between(FunctionElement):  # noqa: N801  (an SQL function, named as one)
    """Days from the second argument to the first (dates or timestamps), as a float, on SQLite and PostgreSQL."""

    inherit_cache = True
    type = FloatType()
    name = "days_between"


def _arguments(element, compiler, **kw) -> tuple[str, str]:
    later, earlier = element.clauses.clauses
    return compiler.process(later, **kw), compiler.process(earlier, **kw)


@compiles(days_between)
def _days_sqlite(element, compiler, **kw):
    later, earlier = _arguments(element, compiler, **kw)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    later, earlier = _arguments(element, compiler, **kw)
    return f"(EXTRACT(EPOCH FROM (CAST({later} AS TIMESTAMP) - CAST({earlier} AS TIMESTAMP))) / 86400.0)"


def in_force():
    """A grant holders were told of, and not replaced since."""
    return and_(Decision.released_at.is_not(None), Decision.superseded.is_(False), Decision.outcome == GRANTED)


def _granted(scope):
    return (select(Decision.dossier_id, func.sum(Decision.amount).label("granted"),
                   func.count(Decision.id).label("grants"))
            .where(in_force(), Decision.dossier_id.in_(scope)).group_by(Decision.dossier_id).subquery("granted"))


def _decided(scope):
    """When the dossier was first told yes or no (an adjournment is not an answer)."""
    return (select(Decision.dossier_id, func.min(Decision.released_at).label("decided_at"))
            .where(Decision.released_at.is_not(None), Decision.outcome.in_((GRANTED, REFUSED)),
                   Decision.dossier_id.in_(scope))
            .group_by(Decision.dossier_id).subquery("decided"))


def _paid(scope):
    return (select(Decision.dossier_id, func.sum(PaymentTranche.amount).label("paid"),
                   func.min(PaymentTranche.paid_on).label("first_paid_on"))
            .join(PaymentTranche, PaymentTranche.decision_id == Decision.id)
            .where(in_force(), PaymentTranche.paid_on.is_not(None), PaymentTranche.cancelled.is_(False),
                   Decision.dossier_id.in_(scope))
            .group_by(Decision.dossier_id).subquery("paid"))


def _examined(decided):
    """Someone examined the dossier: a review handed in, a committee's recommendation, or an answer given."""
    reviewed = select(Review.id).where(Review.dossier_id == Dossier.id, Review.state == SUBMITTED).exists()
    discussed = (select(AgendaItem.id)
                 .where(AgendaItem.dossier_id == Dossier.id, AgendaItem.recommendation.is_not(None)).exists())
    return case((or_(reviewed, discussed, decided.c.decided_at.is_not(None)), 1), else_=0)


def _proposed():
    """The amount of the committee's latest recommendation that names one."""
    return (select(AgendaItem.amount)
            .where(AgendaItem.dossier_id == Dossier.id, AgendaItem.recommendation.is_not(None),
                   AgendaItem.amount.is_not(None))
            .order_by(AgendaItem.id.desc()).limit(1).correlate(Dossier).scalar_subquery())


def _jobs_created(scope):
    return (select(FinalReport.dossier_id, cast(FinalReport.content["jobs_fte"].as_string(), Float).label("jobs"))
            .where(FinalReport.state == ACCEPTED, FinalReport.dossier_id.in_(scope)).subquery("reports"))


def dossier_facts(*conditions, commune=Organisation.commune_insee):
    """The received dossiers matching `conditions` (on Dossier), one row each; `commune` maps the territory."""
    received = (Dossier.submitted_at.is_not(None), *conditions)
    scope = select(Dossier.id).where(*received)
    granted, decided, paid = _granted(scope), _decided(scope), _paid(scope)
    reports = _jobs_created(scope)
    funded = func.coalesce(granted.c.grants, 0) > 0
    return (select(
        Dossier.id.label("dossier_id"), Dossier.call_id, Dossier.organisation_id, Dossier.strand_id,
        commune.label("commune"), Organisation.legal_form, Organisation.in_qpv,
        case((Dossier.eligible.is_(True), 1), else_=0).label("eligible"),
        _examined(decided).label("examined"),
        case((funded, 1), else_=0).label("funded"),
        func.coalesce(Dossier.requested_amount, 0).label("requested"),
        _proposed().label("proposed"), func.coalesce(granted.c.granted, 0).label("granted"),
        func.coalesce(paid.c.paid, 0).label("paid"),
        Dossier.project_budget, Dossier.jobs_planned, reports.c.jobs.label("jobs_created"),
        Dossier.submitted_at, decided.c.decided_at, paid.c.first_paid_on)
        .join(Organisation, Organisation.id == Dossier.organisation_id)
        .outerjoin(granted, granted.c.dossier_id == Dossier.id)
        .outerjoin(decided, decided.c.dossier_id == Dossier.id)
        .outerjoin(paid, paid.c.dossier_id == Dossier.id)
        .outerjoin(reports, reports.c.dossier_id == Dossier.id)
        .where(*received).subquery("facts"))


def percentiles(delays, *fractions):
    """Nearest-rank percentiles of a one-column subquery `delays.c.days`, in one query with window functions."""
    ranked = select(delays.c.days, func.row_number().over(order_by=delays.c.days).label("rank"),
                    func.count().over().label("total")).where(delays.c.days.is_not(None)).subquery()
    picks = [func.min(case((ranked.c.rank >= ranked.c.total * literal(fraction), ranked.c.days)))
             for fraction in fractions]
    return select(func.count(ranked.c.days), *picks)

