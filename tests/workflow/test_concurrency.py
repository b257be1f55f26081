"""Twenty people (or tabs) applying the same transition at once: exactly one wins, nineteen are told why."""
import threading

from aap.auth.models import User
from aap.extensions import db
from aap.workflow import engine
from tests import factories


def test_twenty_threads_one_success_nineteen_clear_refusals(app, committed):
    call = factories.make_open_call()
    holder = factories.make_user(email="porteur@example.org")
    instructor = factories.make_user(roles=("instructor",), totp=True)
    dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.commit()
    version, dossier_id, instructor_id = dossier.lock_version, dossier.id, instructor.id
    db.session.rollback()  # this thread holds no transaction while the others race
    barrier, results, lock = threading.Barrier(20, timeout=30), [], threading.Lock()

    def attempt():
        with app.app_context():
            barrier.wait()  # before any query: on SQLite a job-like transaction holds the write lock from its start
            user = db.session.get(User, instructor_id)
            try:
                engine.apply_transition(dossier_id, "declare_eligible", user, expected_version=version)
                db.session.commit()
                outcome = "applied"
            except engine.TransitionRefused as refusal:
                db.session.rollback()
                outcome = refusal.code, refusal.message
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results.count("applied") == 1
    refusals = [r for r in results if r != "applied"]
    assert len(refusals) == 19
    assert all(code in ("already_done", "conflict") and message for code, message in refusals)
    db.session.expire_all()
    refreshed = db.session.get(type(dossier), dossier_id)
    assert refreshed.state == "in_review" and refreshed.audit_count == 3
