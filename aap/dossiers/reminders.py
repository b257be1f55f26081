"""Draft reminders: 7 days and 1 day before the call closes, while the dossier is still a draft."""
from datetime import timedelta

from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.dossiers.notifications import remind_holders
from aap.extensions import db
from aap.notifications.reminders import plan, plan_many, reminder_kind
from aap.workflow.engine import workflow_of

DRAFT = "draft_reminder"


def is_unsubmitted(dossier) -> bool:
    return dossier.reference is None and dossier.state == workflow_of(dossier).initial


@reminder_kind(DRAFT, {"7d": timedelta(days=7), "1d": timedelta(days=1)})
def send_draft_reminder(dossier_id: int, offset: str) -> bool:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or not is_unsubmitted(dossier) or not dossier.call.is_open(utcnow()):
        return False
    remind_holders(dossier, DRAFT, offset, closes_at=dossier.call.closes_at)
    return True


def plan_for_new_draft(dossier, **_):
    """Receiver of dossier_started."""
    plan(DRAFT, dossier.id, dossier.call.closes_at)


def replan_for_call(call, **_):
    """Receiver of call_schedule_changed: the drafts' reminders follow the call's closing date."""
    drafts = db.session.execute(db.select(Dossier).where(Dossier.call_id == call.id,
                                                         Dossier.reference.is_(None))).scalars()
    closes_at = call.closes_at if call.state == "published" else None
    plan_many(DRAFT, {dossier.id: closes_at if is_unsubmitted(dossier) else None for dossier in drafts})
