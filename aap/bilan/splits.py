"""The figures of one edition split by strand, commune, legal form, instrument and funder: one GROUP BY each."""
from sqlalchemy import func, select

from aap.bilan.facts import in_force
from aap.bilan.numbers import money
from aap.bilan.territory import commune_label
from aap.core.text import sort_key
from aap.decisions.models import INSTRUMENTS, Decision, Funder, funder_label
from aap.extensions import db
from aap.organisations.forms import LEGAL_FORM_LABELS

#: the key of dossiers given no strand
NO_STRAND = "none"


def all_splits(call, facts) -> dict:
    return {"strand": _strands(call, facts),
            "commune": _sorted(_grouped(facts, facts.c.commune, lambda key: commune_label(key))),
            "legal_form": _sorted(_grouped(facts, facts.c.legal_form,
                                           lambda key: str(LEGAL_FORM_LABELS.get(key, key)))),
            "instrument": _instruments(call, facts), "funder": _funders(call, facts)}


def _grouped(facts, column, label) -> list[dict]:
    rows = db.session.execute(
        select(column.label("key"), func.count(facts.c.dossier_id).label("received"),
               func.sum(facts.c.funded).label("funded"), func.sum(facts.c.requested).label("requested"),
               func.sum(facts.c.granted).label("granted")).group_by(column))
    return [{"key": str(row.key) if row.key is not None else NO_STRAND, "label": label(row.key),
             "received": row.received, "funded": int(row.funded or 0), "requested": money(row.requested),
             "granted": money(row.granted)} for row in rows]


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: sort_key(row["label"]))


def _strands(call, facts) -> list[dict]:
    names = {strand.id: strand.name for strand in call.strands}
    rows = _grouped(facts, facts.c.strand_id, lambda key: names.get(key, "Sans volet"))
    order = {str(strand.id): strand.position for strand in call.strands}
    return sorted(rows, key=lambda row: (row["key"] == NO_STRAND, order.get(row["key"], 0), row["label"]))


def _granted_decisions(facts):
    return (select(Decision.id, Decision.instrument, Decision.amount, Decision.funder_id)
            .join(facts, facts.c.dossier_id == Decision.dossier_id).where(in_force())
            .subquery("grants"))


def _instruments(call, facts) -> list[dict]:
    grants = _granted_decisions(facts)
    rows = db.session.execute(select(grants.c.instrument, func.count(grants.c.id), func.sum(grants.c.amount))
                              .group_by(grants.c.instrument).order_by(grants.c.instrument))
    return [{"key": instrument or "grant", "label": str(INSTRUMENTS.get(instrument or "grant", instrument)),
             "count": count, "amount": money(amount)} for instrument, count, amount in rows]


def _funders(call, facts) -> list[dict]:
    grants = _granted_decisions(facts)
    rows = db.session.execute(
        select(grants.c.funder_id, Funder.name, func.count(grants.c.id), func.sum(grants.c.amount))
        .outerjoin(Funder, Funder.id == grants.c.funder_id).group_by(grants.c.funder_id, Funder.name)
        .order_by(grants.c.funder_id.is_not(None), Funder.name))
    return [{"key": f"funder-{funder_id}" if funder_id else "authority",
             "label": name if funder_id else funder_label(call, start=True), "count": count, "amount": money(amount)}
            for funder_id, name, count, amount in rows]
