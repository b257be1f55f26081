"""The decisions of a call as a spreadsheet, one line per funder's decision, each instrument as itself."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from aap.calls.models import Strand
from aap.decisions.models import INSTRUMENTS, OUTCOMES, Decision
from aap.dossiers.models import Dossier
from aap.extensions import db

HEADER = ["Dossier", "Projet", "Structure", "SIRET", "Forme juridique", "Volet", "Financeur", "Décision",
          "Instrument", "Montant", "Aide en nature", "Parts sociales", "Valeur d'une part", "Échéancier",
          "Motif", "Délibération", "Date de la délibération", "Publiée le", "État"]


def decisions_of_call(call, funder_ids: set[int | None] | None = None) -> list[Decision]:
    """The current decisions on the call's dossiers, with their dossier and organisation, in one statement."""
    query = (select(Decision).join(Dossier, Dossier.id == Decision.dossier_id)
             .options(joinedload(Decision.dossier).joinedload(Dossier.organisation), joinedload(Decision.funder))
             .where(Dossier.call_id == call.id, Decision.superseded.is_(False))
             .order_by(Dossier.reference, Decision.funder_id.is_not(None), Decision.funder_id, Decision.id))
    decisions = list(db.session.execute(query).unique().scalars())
    return [d for d in decisions if funder_ids is None or d.funder_id in funder_ids]


def _schedule(decision: Decision) -> str:
    return " ; ".join(f"{step['due_on']} {step['amount']}" for step in decision.details.get("repayments", []))


def decision_lines(call, decisions: list[Decision], authority: str) -> list[list]:
    strands = {strand.id: strand.name for strand in db.session.execute(
        select(Strand).where(Strand.call_id == call.id)).scalars()}
    lines = []
    for decision in decisions:
        dossier, details = decision.dossier, decision.details or {}
        lines.append([dossier.reference, dossier.title, dossier.organisation.name, dossier.organisation.siret or "",
                      dossier.organisation.legal_form, strands.get(dossier.strand_id, ""),
                      decision.funder_name or authority, str(OUTCOMES[decision.outcome]),
                      str(INSTRUMENTS[decision.instrument]) if decision.instrument else "", decision.amount,
                      details.get("description", ""), details.get("shares"), details.get("share_value"),
                      _schedule(decision), decision.motivation, decision.deliberation_reference,
                      decision.deliberation_date, decision.released_at.date() if decision.released_at else None,
                      "publiée" if decision.released else "préparée"])
    return lines
