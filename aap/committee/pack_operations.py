"""Asking for a preparation pack: one at a time per reader and session, built by a job after the commit."""
from datetime import timedelta

from sqlalchemy import select

from aap.committee.models import QUEUED, RUNNING, CommitteeSession, PreparationPack
from aap.committee.pack_tasks import build_pack
from aap.core.queue import enqueue_after_commit
from aap.extensions import db

#: a pack still queued or running after this was lost with its worker: a new one may be asked for
STALE_AFTER = timedelta(minutes=15)


def pending_pack(session: CommitteeSession, user, now) -> PreparationPack | None:
    return db.session.execute(select(PreparationPack).where(
        PreparationPack.session_id == session.id, PreparationPack.user_id == user.id,
        PreparationPack.state.in_((QUEUED, RUNNING)), PreparationPack.created_at > now - STALE_AFTER)
        .order_by(PreparationPack.id.desc()).limit(1)).scalar_one_or_none()


def request_pack(session: CommitteeSession, user, now) -> tuple[PreparationPack, bool]:
    """The pack being built for this reader, or a new one queued; True when it is new."""
    pending = pending_pack(session, user, now)
    if pending is not None:
        return pending, False
    record = PreparationPack(session_id=session.id, user_id=user.id, created_at=now)
    db.session.add(record)
    db.session.flush()
    enqueue_after_commit(db.session(), build_pack, record.id)
    return record, True
