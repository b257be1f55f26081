"""Across editions: each numbered edition's demand, envelope and grants, and the paths of structures funded again.

The series is every numbered edition (Call.edition set) that is not a draft, up to a given year.
"""
from sqlalchemy import case, func, literal, select

from aap.bilan.facts import dossier_facts
from aap.bilan.numbers import money, money_or_none, ratio
from aap.calls.models import Call, Strand
from aap.dossiers.models import Dossier
from aap.extensions import db

NO_STRAND = "Sans volet"


def series_calls(until_year: int):
    return select(Call.id).where(Call.edition.is_not(None), Call.state != "draft", Call.year <= until_year)


def trends(until_year: int) -> list[dict]:
    """One row per edition, by year: what was asked, granted and paid against the envelope."""
    facts = dossier_facts(Dossier.call_id.in_(series_calls(until_year)))
    per_call = (select(facts.c.call_id, func.count(facts.c.dossier_id).label("received"),
                       func.sum(facts.c.funded).label("funded"), func.sum(facts.c.requested).label("requested"),
                       func.sum(facts.c.granted).label("granted"), func.sum(facts.c.paid).label("paid"))
                .group_by(facts.c.call_id).subquery())
    rows = db.session.execute(
        select(Call.id, Call.year, Call.edition, Call.title, Call.total_envelope, per_call)
        .outerjoin(per_call, per_call.c.call_id == Call.id).where(Call.id.in_(series_calls(until_year)))
        .order_by(Call.year, Call.edition, Call.id))
    return [{"call_id": row.id, "year": row.year, "edition": row.edition, "title": row.title,
             "envelope": money_or_none(row.total_envelope), "requested": money(row.requested),
             "granted": money(row.granted), "paid": money(row.paid), "received": row.received or 0,
             "funded": int(row.funded or 0), "oversubscription": ratio(row.requested, row.total_envelope)}
            for row in rows]


def paths(until_year: int) -> dict:
    """Structures funded in two editions or more, and how many followed each sequence of strands."""
    editions = db.session.execute(select(func.count()).select_from(series_calls(until_year).subquery())).scalar_one()
    if editions < 2:
        return {"several_times": 0, "patterns": []}
    facts = dossier_facts(Dossier.call_id.in_(series_calls(until_year)))
    ranked = (select(facts.c.organisation_id, func.coalesce(Strand.name, literal(NO_STRAND)).label("strand"),
                     func.row_number().over(partition_by=facts.c.organisation_id,
                                            order_by=(Call.year, Call.id, facts.c.dossier_id)).label("rank"))
              .join(Call, Call.id == facts.c.call_id).outerjoin(Strand, Strand.id == facts.c.strand_id)
              .where(facts.c.funded == 1).subquery())
    steps = [func.max(case((ranked.c.rank == rank, ranked.c.strand))).label(f"step{rank}")
             for rank in range(1, editions + 1)]
    per_structure = (select(*steps).group_by(ranked.c.organisation_id)
                     .having(func.count(ranked.c.rank) >= 2).subquery())
    columns = list(per_structure.c)
    rows = db.session.execute(select(func.count().label("structures"), *columns).group_by(*columns)
                              .order_by(func.count().desc(), *columns)).all()
    patterns = [{"path": [step for step in row[1:] if step is not None], "count": row.structures} for row in rows]
    return {"several_times": sum(pattern["count"] for pattern in patterns), "patterns": patterns}
