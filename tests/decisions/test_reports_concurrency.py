"""Two tabs, or two staff members, acting on one final report at the same instant, in real threads on real
connections: one of them acts, the other is refused, and nothing is done twice."""
from decimal import Decimal

from sqlalchemy import func, select

from aap.auth.models import User
from aap.core.models import utcnow
from aap.decisions.closing_models import Recovery
from aap.decisions.grant_models import FinalReport
from aap.decisions.reports_operations import ReportRefused, submit
from aap.decisions.reports_review import accept
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow.models import AuditRecord
from tests import threads
from tests.decisions.reports_world import granted_dossier
from tests.decisions.test_reports_review import CONTENT


def at_once(app, attempts) -> list[str]:
    return threads.at_once(app, attempts, (ReportRefused,))


def _on_sqlite(app) -> bool:
    """PostgreSQL's row lock makes the second one wait and read the first one's result."""
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def _records(dossier_id: int, transition: str) -> int:
    return db.session.execute(select(func.count(AuditRecord.id)).where(
        AuditRecord.dossier_id == dossier_id, AuditRecord.transition == transition)).scalar_one()


def test_two_tabs_submitting_at_once_submit_once(app, committed):
    world = granted_dossier()
    dossier_id, holder_id = world.dossier.id, world.holder.id
    db.session.remove()

    def submitting():
        submit(db.session.get(Dossier, dossier_id), CONTENT, db.session.get(User, holder_id), utcnow())

    results = at_once(app, [submitting, submitting])
    assert results.count("applied") == 1
    [other] = [text for text in results if text != "applied"]
    assert "déjà été déposé" in other or (other.startswith("locked") and _on_sqlite(app))
    assert _records(dossier_id, "submit_report") == 1
    assert db.session.get(Dossier, dossier_id).state == "report_submitted"


def test_two_staff_accepting_at_once_settle_the_unspent_amount_once(app, committed):
    world = granted_dossier()
    submit(world.dossier, CONTENT, world.holder, utcnow())
    db.session.commit()
    dossier_id, decision_id = world.dossier.id, world.decision.id
    staff_ids = [world.instructor.id, world.admin.id]
    db.session.remove()

    def accepting(user_id):
        def attempt():
            accept(db.session.get(Dossier, dossier_id), db.session.get(User, user_id), utcnow(),
                   {decision_id: Decimal("5000")})
        return attempt

    results = at_once(app, [accepting(user_id) for user_id in staff_ids])
    assert results.count("applied") == 1
    [other] = [text for text in results if text != "applied"]
    assert "déjà été accepté" in other or (other.startswith("locked") and _on_sqlite(app))
    assert _records(dossier_id, "accept_report") == 1
    assert db.session.execute(select(Recovery.amount)).scalars().all() == [Decimal("1400")]
    assert db.session.execute(select(FinalReport.state)).scalars().all() == ["accepted"]
    assert db.session.get(Dossier, dossier_id).state == "closed"
