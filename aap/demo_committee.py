"""The demo's committee: a session of the open call planned in a fortnight, members from its pools, the dossiers
ready for committee on its agenda, so that the instructor can convene it and the committee member prepare it."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from aap.calls.models import Call
from aap.committee.agenda_operations import add_dossiers
from aap.committee.agenda_queries import candidates
from aap.committee.models import CommitteeSession
from aap.committee.sessions_operations import SessionDetails, create_session
from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.extensions import db
from aap.review.models import PoolMember

TITLE = "Comité de projets de printemps"


def load_committee_demo(call: Call, instructor, committee) -> None:
    """Idempotent: a call that already has a session is left as it is."""
    if db.session.execute(select(CommitteeSession.id).where(CommitteeSession.call_id == call.id).limit(1)).first():
        return
    pooled = db.session.execute(select(PoolMember.user_id).where(PoolMember.call_id == call.id)
                                .order_by(PoolMember.id)).scalars().all()
    members = [committee.id, *[user_id for user_id in pooled if user_id != committee.id][:4]]
    day = (utcnow().astimezone(PARIS) + timedelta(days=14)).date()
    starts = datetime.combine(day, time(14, 30), PARIS)
    details = SessionDetails(title=TITLE, starts_at=starts.astimezone(timezone.utc),
                             ends_at=(starts + timedelta(hours=3)).astimezone(timezone.utc),
                             place="Salle du conseil, 21 avenue Jules-Rimet, Saint-Denis",
                             video_url="https://visio.example.org/comite-ess", quorum=None,
                             member_ids=tuple(members))
    session = create_session(call, details, instructor)
    ready = [line.dossier_id for line in candidates(session)]
    if ready:
        add_dossiers(session, ready)
