"""Across editions: each numbered edition's demand, envelope and grants, and the paths of structures funded again.

The series is every numbered edition (Call.edition set) that is not a draft, up to a given year.
"""
from datetime import date

from sqlalchemy import case, func, literal, select

from aap.bilan.facts import in_force
from aap.bilan.numbers import money, money_or_none, ratio
from aap.bilan.territory import commune_label, commune_on
from aap.calls.models import Call, Strand
from aap.core.text import sort_key
from aap.decisions.grant_models import PaymentTranche
from aap.decisions.models import Decision
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Organisation

NO_STRAND = "Sans volet"


def series_calls(until_year: int):
    return select(Call.id).where(Call.edition.is_not(None), Call.state != "draft", Call.year <= until_year)


def _per_call(until_year: int):
    """What each edition received, granted and paid: one grouped pass over each table."""
    in_series = Dossier.call_id.in_(series_calls(until_year))
    asked = (select(Dossier.call_id, func.count(Dossier.id).label("received"),
                    func.sum(Dossier.requested_amount).label("requested"))
             .where(Dossier.submitted_at.is_not(None), in_series).group_by(Dossier.call_id).subquery())
    granted = (select(Dossier.call_id, func.count(func.distinct(Dossier.id)).label("funded"),
                      func.sum(Decision.amount).label("granted"))
               .join(Decision, Decision.dossier_id == Dossier.id)
               .where(in_force(), Dossier.submitted_at.is_not(None), in_series).group_by(Dossier.call_id).subquery())
    paid = (select(Dossier.call_id, func.sum(PaymentTranche.amount).label("paid"))
            .join(Decision, Decision.dossier_id == Dossier.id)
            .join(PaymentTranche, PaymentTranche.decision_id == Decision.id)
            .where(in_force(), Dossier.submitted_at.is_not(None), in_series, PaymentTranche.paid_on.is_not(None),
                   PaymentTranche.cancelled.is_(False)).group_by(Dossier.call_id).subquery())
    return asked, granted, paid


def trends(until_year: int) -> list[dict]:
    """One row per edition, by year: what was asked, granted and paid against the envelope."""
    asked, granted, paid = _per_call(until_year)
    rows = db.session.execute(
        select(Call.id, Call.year, Call.edition, Call.title, Call.total_envelope, asked.c.received,
               asked.c.requested, granted.c.funded, granted.c.granted, paid.c.paid)
        .outerjoin(asked, asked.c.call_id == Call.id).outerjoin(granted, granted.c.call_id == Call.id)
        .outerjoin(paid, paid.c.call_id == Call.id).where(Call.id.in_(series_calls(until_year)))
        .order_by(Call.year, Call.edition, Call.id))
    return [{"call_id": row.id, "year": row.year, "edition": row.edition, "title": row.title,
             "envelope": money_or_none(row.total_envelope), "requested": money(row.requested),
             "granted": money(row.granted), "paid": money(row.paid), "received": row.received or 0,
             "funded": row.funded or 0, "oversubscription": ratio(row.requested, row.total_envelope)}
            for row in rows]


def paths(until_year: int) -> dict:
    """Structures funded in two editions or more, and how many followed each sequence of strands."""
    editions = db.session.execute(select(func.count()).select_from(series_calls(until_year).subquery())).scalar_one()
    if editions < 2:
        return {"several_times": 0, "patterns": []}
    funded = select(Decision.dossier_id).where(in_force())
    ranked = (select(Dossier.organisation_id, func.coalesce(Strand.name, literal(NO_STRAND)).label("strand"),
                     func.row_number().over(partition_by=Dossier.organisation_id,
                                            order_by=(Call.year, Call.id, Dossier.id)).label("rank"))
              .join(Call, Call.id == Dossier.call_id).outerjoin(Strand, Strand.id == Dossier.strand_id)
              .where(Dossier.call_id.in_(series_calls(until_year)), Dossier.submitted_at.is_not(None),
                     Dossier.id.in_(funded)).subquery())
    steps = [func.max(case((ranked.c.rank == rank, ranked.c.strand))).label(f"step{rank}")
             for rank in range(1, editions + 1)]
    per_structure = (select(*steps).group_by(ranked.c.organisation_id)
                     .having(func.count(ranked.c.rank) >= 2).subquery())
    columns = list(per_structure.c)
    rows = db.session.execute(select(func.count().label("structures"), *columns).group_by(*columns)
                              .order_by(func.count().desc(), *columns)).all()
    patterns = [{"path": [step for step in row[1:] if step is not None], "count": row.structures} for row in rows]
    return {"several_times": sum(pattern["count"] for pattern in patterns), "patterns": patterns}


def communes_today(until_year: int, today: date) -> dict:
    """Every edition of the series up to `until_year` by commune, in the territory of `today` (merged communes in the
    commune they joined)."""
    placed = (select(Dossier.id, commune_on(today).label("commune"))
              .join(Organisation, Organisation.id == Dossier.organisation_id)
              .where(Dossier.call_id.in_(series_calls(until_year)), Dossier.submitted_at.is_not(None)).subquery())
    received = dict(db.session.execute(
        select(placed.c.commune, func.count(placed.c.id)).group_by(placed.c.commune)).all())
    funded = {code: (count, amount) for code, count, amount in db.session.execute(
        select(placed.c.commune, func.count(func.distinct(placed.c.id)), func.sum(Decision.amount))
        .join(Decision, Decision.dossier_id == placed.c.id).where(in_force()).group_by(placed.c.commune))}
    rows = [{"key": code, "label": commune_label(code), "received": count, "funded": funded.get(code, (0, 0))[0],
             "granted": money(funded.get(code, (0, 0))[1])} for code, count in received.items()]
    return {"as_of": today.isoformat(), "rows": sorted(rows, key=lambda row: sort_key(row["label"]))}
