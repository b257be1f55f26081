"""The figures of one edition split by strand, commune, legal form, instrument and funder.

One GROUP BY gives the cells (strand × commune × legal form: a few hundred at most), and each split adds its cells up;
one more gives the grants by instrument × funder.
"""
from collections import defaultdict
from decimal import Decimal

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
DIMENSIONS = ("strand_id", "commune", "legal_form")


def all_splits(call, facts) -> dict:
    cells = db.session.execute(
        select(facts.c.strand_id, facts.c.commune, facts.c.legal_form,
               func.count(facts.c.dossier_id).label("received"), func.sum(facts.c.funded).label("funded"),
               func.sum(facts.c.requested).label("requested"), func.sum(facts.c.granted).label("granted"))
        .group_by(facts.c.strand_id, facts.c.commune, facts.c.legal_form)).all()
    strands = {strand.id: strand for strand in call.strands}
    by_strand = _added_up(cells, "strand_id", lambda key: strands[key].name if key in strands else "Sans volet")
    by_strand.sort(key=lambda row: (row["key"] == NO_STRAND, strands[int(row["key"])].position
                                    if row["key"] != NO_STRAND else 0, row["label"]))
    grants = _grants(call, facts)
    return {"strand": by_strand,
            "commune": _by_label(_added_up(cells, "commune", commune_label)),
            "legal_form": _by_label(_added_up(cells, "legal_form",
                                              lambda key: str(LEGAL_FORM_LABELS.get(key, key)))),
            "instrument": _instruments(grants), "funder": _funders(call, grants)}


def _added_up(cells, dimension: str, label) -> list[dict]:
    totals = defaultdict(lambda: {"received": 0, "funded": 0, "requested": Decimal(0), "granted": Decimal(0)})
    for cell in cells:
        total = totals[getattr(cell, dimension)]
        total["received"] += cell.received
        total["funded"] += int(cell.funded or 0)
        total["requested"] += Decimal(str(cell.requested or 0))
        total["granted"] += Decimal(str(cell.granted or 0))
    return [{"key": str(key) if key is not None else NO_STRAND, "label": label(key), "received": total["received"],
             "funded": total["funded"], "requested": money(total["requested"]), "granted": money(total["granted"])}
            for key, total in totals.items()]


def _by_label(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: sort_key(row["label"]))


def _grants(call, facts) -> list:
    """The grants in force of the edition's received dossiers, counted by instrument × funder."""
    return db.session.execute(
        select(Decision.instrument, Decision.funder_id, Funder.name, func.count(Decision.id).label("count"),
               func.sum(Decision.amount).label("amount"))
        .outerjoin(Funder, Funder.id == Decision.funder_id)
        .where(in_force(), Decision.dossier_id.in_(select(facts.c.dossier_id)))
        .group_by(Decision.instrument, Decision.funder_id, Funder.name)).all()


def _instruments(grants) -> list[dict]:
    totals = defaultdict(lambda: [0, Decimal(0)])
    for grant in grants:
        totals[grant.instrument or "grant"][0] += grant.count
        totals[grant.instrument or "grant"][1] += Decimal(str(grant.amount or 0))
    return [{"key": key, "label": str(INSTRUMENTS.get(key, key)), "count": count, "amount": money(amount)}
            for key, (count, amount) in sorted(totals.items())]


def _funders(call, grants) -> list[dict]:
    totals = defaultdict(lambda: [0, Decimal(0)])
    for grant in grants:
        totals[(grant.funder_id is not None, grant.name or "", grant.funder_id)][0] += grant.count
        totals[(grant.funder_id is not None, grant.name or "", grant.funder_id)][1] += Decimal(str(grant.amount or 0))
    return [{"key": f"funder-{funder_id}" if funder_id else "authority",
             "label": name if funder_id else funder_label(call, start=True), "count": count, "amount": money(amount)}
            for (_cofunder, name, funder_id), (count, amount) in sorted(totals.items())]
