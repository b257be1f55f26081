"""Two people lock the same minutes at the same moment: one lock wins, the other is told, nothing is sealed twice."""
import threading

from aap.auth.models import User
from aap.committee import minutes, minutes_operations
from aap.committee.models import CommitteeSession, Minutes
from aap.core.models import utcnow
from aap.extensions import db
from aap.mail.models import Mail
from aap.workflow.models import AuditRecord
from tests import factories
from tests.committee.minutes_world import meeting


def test_two_simultaneous_locks_one_wins_the_other_is_refused(app, committed):
    world = meeting(suffix="-concurrent")
    staff = factories.make_user(roles=("instructor",), totp=True)
    session_id, people = world["session"].id, [world["chair"].id, staff.id]
    seen = minutes.fingerprint(minutes_operations.generate(db.session.get(CommitteeSession, session_id)), "", 1,
                               session_id)
    db.session.commit()
    barrier, results, guard = threading.Barrier(2, timeout=30), [], threading.Lock()

    def attempt(user_id):
        with app.app_context():
            barrier.wait()
            try:
                minutes_operations.lock(db.session.get(CommitteeSession, session_id), db.session.get(User, user_id),
                                        1, seen, utcnow())
                db.session.commit()
                outcome = "locked", user_id
            except minutes_operations.MinutesRefused as refusal:
                db.session.rollback()
                outcome = "refused", str(refusal)
            finally:
                db.session.remove()
            with guard:
                results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(user_id,)) for user_id in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(kind for kind, _ in results) == ["locked", "refused"]
    winner = next(user_id for kind, user_id in results if kind == "locked")
    assert next(text for kind, text in results if kind == "refused").startswith(
        "La version 1 du procès-verbal a été verrouillée le")
    db.session.expire_all()
    version = db.session.execute(db.select(Minutes).where(Minutes.session_id == session_id)).scalar_one()
    assert version.locked_by_id == winner and version.fingerprint == seen
    sealed = db.session.execute(db.select(db.func.count(AuditRecord.id)).where(
        AuditRecord.transition == "minutes_locked")).scalar()
    assert sealed == len(world["dossiers"])
    assert db.session.execute(db.select(db.func.count(Mail.id)).where(Mail.template == "minutes_locked")).scalar() == 4
