"""The session reminder: 7 days before a convened session, to each member not marked absent.

Planned when the session is convened or moved (plan_for), cancelled when it is deleted; checked again when it
leaves (a session no longer convened, closed or deleted, reminds nobody), and planned by the periodic sweep for
convened sessions that have none yet, whoever convened them.
"""
from datetime import timedelta

from aap.committee.models import ABSENT, CONVENED, CommitteeSession
from aap.core.models import utcnow
from aap.core.urls import external_url
from aap.extensions import db
from aap.notifications.models import Reminder
from aap.notifications.operations import notify
from aap.notifications.reminders import plan, plan_many, reminder_kind

SESSION_REMINDER = "committee_reminder"
WEEK_BEFORE = "7d"


@reminder_kind(SESSION_REMINDER, {WEEK_BEFORE: timedelta(days=7)})
def send_session_reminder(session_id: int, offset: str) -> bool:
    session = db.session.get(CommitteeSession, session_id)
    if session is None or session.state != CONVENED:
        return False
    link = external_url("committee_sessions.show", session_id=session.id)
    for member in session.members:
        if member.attendance == ABSENT:
            continue
        notify(member.user, SESSION_REMINDER, link=link,
               key=f"{SESSION_REMINDER}:{session.id}:{member.id}:{session.starts_at.isoformat()}",
               session_title=session.title, call=str(session.call), starts_at=session.starts_at,
               ends_at=session.ends_at, place=session.place, video_url=session.video_url)
    return True


def plan_for(session: CommitteeSession, now=None) -> None:
    """Align the reminder on the session's start; none unless it is convened."""
    plan(SESSION_REMINDER, session.id, session.starts_at if session.state == CONVENED else None, now)


def cancel(session: CommitteeSession) -> None:
    plan(SESSION_REMINDER, session.id, None)


def plan_missing(now=None) -> int:
    """The sweep: convened sessions more than 7 days away that have no reminder yet."""
    now = now or utcnow()
    planned = db.select(Reminder.subject_id).where(Reminder.kind == SESSION_REMINDER)
    missing = db.session.execute(db.select(CommitteeSession).where(
        CommitteeSession.state == CONVENED, CommitteeSession.starts_at > now + timedelta(days=7),
        CommitteeSession.id.not_in(planned)).order_by(CommitteeSession.id).limit(1000)).scalars().all()
    if missing:
        plan_many(SESSION_REMINDER, {session.id: session.starts_at for session in missing}, now)
    return len(missing)
