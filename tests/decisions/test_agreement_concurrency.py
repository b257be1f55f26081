"""Two staff members act on the same agreement at the same moment: one agreement, one signature, the other told."""
import threading
from io import BytesIO

from sqlalchemy import func, select

from aap.auth.models import User
from aap.core.models import utcnow
from aap.core.storage import storage
from aap.decisions import agreement_operations as operations
from aap.decisions.grant_models import Agreement
from aap.decisions.models import Decision
from aap.extensions import db
from aap.workflow.models import AuditRecord
from tests import factories
from tests.decisions.documents_world import granted

PDF = b"%PDF-1.4\n%%EOF\n"


def at_once(app, action, user_ids) -> list[tuple[str, str]]:
    """`action(decision, user)` in one thread per user, started together, each in its own transaction."""
    barrier, results, guard = threading.Barrier(len(user_ids), timeout=30), [], threading.Lock()

    def attempt(decision_id, user_id):
        with app.app_context():
            barrier.wait()
            try:
                action(db.session.get(Decision, decision_id), db.session.get(User, user_id))
                db.session.commit()
                outcome = "done", ""
            except operations.AgreementRefused as refusal:
                db.session.rollback()
                outcome = "refused", str(refusal)
            except Exception as error:  # reported as a result: a thread's exception would be lost
                db.session.rollback()
                outcome = "error", repr(error)
            finally:
                db.session.remove()
            with guard:
                results.append(outcome)

    db.session.commit()  # the test's own reading transaction ends before theirs begin
    threads = [threading.Thread(target=attempt, args=(action.decision_id, user_id)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_generations_at_once_make_one_agreement_and_two_recorded_texts(app, committed):
    world = granted("30000", call_title="Appel ESS documents concurrence")
    other = factories.make_user(roles=("admin",), totp=True)

    def generate(decision, user):
        operations.generate(decision, user, utcnow())

    generate.decision_id = world.decision.id
    results = at_once(app, generate, [world.admin.id, other.id])
    assert results == [("done", ""), ("done", "")]
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(Agreement)
                              .where(Agreement.decision_id == world.decision.id)).scalar() == 1
    assert db.session.execute(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.dossier_id == world.dossier.id, AuditRecord.transition == operations.AGREEMENT_GENERATED)
    ).scalar() == 2


def test_two_signatures_at_once_one_is_recorded_the_other_refused(app, committed):
    world = granted("30000", call_title="Appel ESS documents concurrence")
    other = factories.make_user(roles=("admin",), totp=True)
    operations.generate(world.decision, world.admin, utcnow())
    db.session.commit()

    def sign(decision, user):
        stored = storage().save(BytesIO(PDF), "signee.pdf")
        operations.record_signature(decision, utcnow().date(), stored, user, utcnow())

    sign.decision_id = world.decision.id
    results = at_once(app, sign, [world.admin.id, other.id])
    assert sorted(kind for kind, _ in results) == ["done", "refused"]
    assert next(text for kind, text in results if kind == "refused").startswith(
        "La signature de cette convention est déjà enregistrée")
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.dossier_id == world.dossier.id, AuditRecord.transition == "sign_agreement")).scalar() == 1
