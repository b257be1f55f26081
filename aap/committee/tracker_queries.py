"""What the envelope tracker reads: the call's envelopes, what other sessions committed, this session's agenda."""
from decimal import Decimal

from sqlalchemy import select

from aap.calls.models import Strand
from aap.committee.live_queries import favorable_amounts
from aap.committee.models import AgendaItem, CommitteeSession
from aap.committee.tracker import SessionTracker, TrackedDossier, Trial, track_session
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.review.models import ReviewStanding


def tracked_dossiers(session: CommitteeSession) -> list[TrackedDossier]:
    rows = db.session.execute(
        select(AgendaItem.id, Dossier.id.label("dossier_id"), Dossier.reference, Dossier.title, Dossier.strand_id,
               Dossier.requested_amount, ReviewStanding.score, AgendaItem.recommendation, AgendaItem.amount)
        .join(Dossier, Dossier.id == AgendaItem.dossier_id)
        .outerjoin(ReviewStanding, ReviewStanding.dossier_id == Dossier.id)
        .where(AgendaItem.session_id == session.id).order_by(AgendaItem.position)).all()
    return [TrackedDossier(row.id, row.dossier_id, row.reference, row.title or "", row.strand_id,
                           row.requested_amount or Decimal(0), row.score, row.recommendation, row.amount)
            for row in rows]


def committed_by_other_sessions(session: CommitteeSession) -> dict[int | None, Decimal]:
    """Favourable amounts recommended for the call's dossiers in its other open or closed sessions, by strand."""
    committed: dict[int | None, Decimal] = {}
    for strand_id, amount in favorable_amounts(session.call_id, excluding_session_id=session.id):
        committed[strand_id] = committed.get(strand_id, Decimal(0)) + amount
    return committed


def session_tracker(session: CommitteeSession, dossiers: list[TrackedDossier],
                    trial: Trial | None = None) -> SessionTracker:
    """The tracker of these dossiers (the session's, as `tracked_dossiers` reads them)."""
    call = session.call
    strands = db.session.execute(select(Strand.id, Strand.envelope).where(Strand.call_id == call.id)
                                 .order_by(Strand.position, Strand.id)).all()
    envelopes = {strand_id: envelope for strand_id, envelope in strands}
    if any(dossier.strand is None for dossier in dossiers) or not envelopes:
        envelopes[None] = None
    return track_session(envelopes, call.total_envelope, committed_by_other_sessions(session), dossiers, trial)
