"""The job of the automatic assignment: importable, takes the run's id, safe to run twice."""
import logging

from sqlalchemy import update

from aap.core.jobs import job
from aap.core.models import utcnow
from aap.extensions import db
from aap.review import assignment as solver
from aap.review.assignment import assign
from aap.review.assignment_queries import inputs_of
from aap.review.assignment_runs import DONE, FAILED, QUEUED, RUNNING, AssignmentRun

log = logging.getLogger(__name__)


def encode_text(text) -> dict | None:
    return None if text is None else {"msgid": text.msgid, "values": dict(text.values)}


def encode_result(result: solver.AssignmentResult) -> dict:
    return {
        "added": sorted([list(pair) for pair in result.added]),
        "kept": sorted([list(pair) for pair in result.kept]),
        "dropped": [{"reviewer": d.reviewer_id, "dossier": d.dossier_id, "reason": encode_text(d.reason)}
                    for d in result.dropped],
        "shortfalls": [{"dossier": s.dossier_id, "missing_reviews": s.missing_reviews,
                        "missing_groups": s.missing_groups, "reasons": [encode_text(r) for r in s.reasons]}
                       for s in result.shortfalls],
        "optimal": result.optimal, "balance_note": encode_text(result.balance_note),
    }


@job
def run_assignment(run_id: int) -> str:
    """Claim the queued run (one worker wins), compute the proposal from the database as it is now, store it."""
    claimed = db.session.execute(update(AssignmentRun).where(AssignmentRun.id == run_id, AssignmentRun.state == QUEUED)
                                 .values(state=RUNNING, started_at=utcnow())
                                 .execution_options(synchronize_session=False))
    db.session.commit()
    if claimed.rowcount != 1:
        return "not claimed"
    run = db.session.get(AssignmentRun, run_id, populate_existing=True)
    try:
        inputs = inputs_of(run.call)
        proposal, fingerprint = encode_result(assign(inputs.request())), inputs.fingerprint
    except Exception as error:  # the staff read why on the page; the worker carries on
        db.session.rollback()
        log.exception("affectation automatique %s en échec", run_id)
        run = db.session.get(AssignmentRun, run_id, populate_existing=True)
        run.state, run.error, run.finished_at = FAILED, str(error)[:2000], utcnow()
        return "failed"
    run.proposal, run.fingerprint, run.state, run.finished_at = proposal, fingerprint, DONE, utcnow()
    return "done"
