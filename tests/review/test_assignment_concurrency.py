"""Two staff members confirming the same proposal at the same moment, in real threads with real commits."""
import threading

import pytest
from sqlalchemy import func

from aap.auth.models import User
from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.review import assignment_operations as operations
from aap.review.assignment_runs import QUEUED, AssignmentRun
from tests import factories
from tests.review.test_assignment_page import member, under_review


def test_two_confirmations_at_once_apply_once(app, committed, worker_free_drain):
    call = factories.make_open_call(reviews_per_dossier=2, groups_per_dossier=1)
    under_review(call, 3)
    member(call, "networks"), member(call, "banks")
    instructor = factories.make_user(roles=("instructor",), totp=True)
    run = AssignmentRun(call_id=call.id, requested_by_id=instructor.id, state=QUEUED, proposal={})
    db.session.add(run)
    db.session.commit()
    worker_free_drain(run.id)
    run_id, call_id, instructor_id = run.id, call.id, instructor.id
    db.session.rollback()
    barrier, results, lock = threading.Barrier(2, timeout=30), [], threading.Lock()

    def attempt():
        with app.app_context():
            barrier.wait()
            try:
                run = db.session.get(AssignmentRun, run_id)
                operations.confirm(run, run.call, db.session.get(User, instructor_id), run.edits)
                db.session.commit()
                outcome = "applied"
            except operations.Refused as refusal:
                db.session.rollback()
                outcome = str(refusal)
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results, key=lambda r: r != "applied")[0] == "applied"
    assert results.count("applied") == 1 and "déjà été confirmée" in [r for r in results if r != "applied"][0]
    db.session.expire_all()
    count = db.session.execute(db.select(func.count()).select_from(Assignment)).scalar()
    assert count == 6 and call_id


@pytest.fixture
def worker_free_drain(app):
    """Runs the assignment job in this thread, with real commits (the `committed` tests)."""
    from aap.review.assignment_tasks import run_assignment

    def drain(run_id):
        assert run_assignment(run_id) == "done"

    return drain
