"""A whole committee session decided at once: each item's recommendation becomes a staged decision, or none is."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from aap.committee.models import CommitteeSession
from aap.decisions.deciding import current_decision, deciding_refusal
from aap.decisions.models import GRANT, OUTCOMES
from aap.decisions.operations import DecisionRefused, stage
from aap.decisions.prefill import from_recommendation
from aap.extensions import db

#: a row left out of the batch
SKIP = ""


@dataclass
class BatchRow:
    item_id: int
    dossier: object
    recommendation: str | None
    #: what the form holds for this row: outcome, amount, motivation
    values: dict
    #: why this row cannot be decided here (wrong step, decided already); None when it can
    blocked: str | None = None
    error: str | None = None


def batch_rows(session: CommitteeSession, typed: dict | None = None) -> list[BatchRow]:
    """The session's items with what the form proposes: the recommendation, or what was typed."""
    rows = []
    for item in session.items:
        dossier = item.dossier
        blocked = deciding_refusal(dossier, None)
        existing = current_decision(dossier.id, None)
        if blocked is None and existing is not None and existing.released:
            blocked = _("décision déjà publiée")
        values = (typed or {}).get(item.id) or from_recommendation(item if item.recommendation else None)
        rows.append(BatchRow(item.id, dossier, item.recommendation, values, blocked))
    return rows


def stage_batch(session: CommitteeSession, rows: list[BatchRow], reference: str, day, user, now: datetime) -> int:
    """Stage every row the form decides, all or nothing: on any refusal, each row says its own and none is kept."""
    count, failed = 0, False
    for row in rows:
        outcome = row.values.get("outcome") or SKIP
        if row.blocked or outcome == SKIP:
            continue
        if outcome not in OUTCOMES:
            row.error, failed = _("Choisissez la décision dans la liste."), True
            continue
        form = {**row.values, "instrument": GRANT, "deliberation_reference": reference, "deliberation_date": day}
        try:
            with db.session.begin_nested():
                stage(row.dossier, None, form, user, now, session_id=session.id)
        except DecisionRefused as refused:
            row.error, failed = refused.message, True
            continue
        count += 1
    if failed:
        raise DecisionRefused(_("Aucune décision n'a été enregistrée : corrigez les lignes signalées, puis "
                                "recommencez."))
    return count
