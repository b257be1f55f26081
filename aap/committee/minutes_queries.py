"""Reads of the minutes: a session's facts as plain data, in the same few statements whatever its size; its versions."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from aap.auth.models import User
from aap.calls.models import Call, Strand
from aap.committee import minutes
from aap.committee.models import AgendaItem, CommitteeSession, Minutes, Recusal, SessionMember, Vote
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Organisation
from aap.review.models import PoolMember


def _name(full_name: str | None, email: str) -> str:
    return full_name or email


def session_facts(session: CommitteeSession) -> minutes.SessionFacts:
    call = db.session.execute(select(Call.title, Call.year).where(Call.id == session.call_id)).one()
    return minutes.SessionFacts(
        id=session.id, call=f"{call.title} ({call.year})", title=session.title, starts_at=session.starts_at,
        ends_at=session.ends_at, place=session.place or "", video_url=session.video_url or "", state=session.state,
        quorum=session.quorum, present_at_opening=session.present_at_opening, quorum_met=session.quorum_met,
        opened_at=session.opened_at, closed_at=session.closed_at)


def member_facts(session: CommitteeSession) -> list[minutes.MemberFacts]:
    """Each convened member with their attendance and their stakeholder group in the call's pools."""
    rows = db.session.execute(
        select(User.full_name, User.email, SessionMember.attendance, PoolMember.group)
        .join(User, User.id == SessionMember.user_id)
        .outerjoin(PoolMember, and_(PoolMember.user_id == SessionMember.user_id,
                                    PoolMember.call_id == session.call_id))
        .where(SessionMember.session_id == session.id)).all()
    return [minutes.MemberFacts(_name(row.full_name, row.email), row.group, row.attendance) for row in rows]


def _item_rows(session_id: int):
    return db.session.execute(
        select(AgendaItem.id, AgendaItem.position, AgendaItem.recommendation, AgendaItem.amount,
               AgendaItem.postponed_to, AgendaItem.notes, AgendaItem.recorded_by_id, Dossier.reference,
               Dossier.title, Dossier.requested_amount, Organisation.name.label("organisation"),
               Strand.name.label("strand"), Strand.position.label("strand_position"))
        .join(Dossier, Dossier.id == AgendaItem.dossier_id)
        .join(Organisation, Organisation.id == Dossier.organisation_id)
        .outerjoin(Strand, Strand.id == Dossier.strand_id)
        .where(AgendaItem.session_id == session_id).order_by(AgendaItem.position, AgendaItem.id)).all()


def _recused(session_id: int) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    rows = db.session.execute(select(Recusal.item_id, User.full_name, User.email)
                              .join(User, User.id == Recusal.user_id)
                              .join(AgendaItem, AgendaItem.id == Recusal.item_id)
                              .where(AgendaItem.session_id == session_id))
    for row in rows:
        names.setdefault(row.item_id, []).append(_name(row.full_name, row.email))
    return names


def _votes(session_id: int) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    rows = db.session.execute(select(Vote.item_id, Vote.choice, func.count(Vote.id).label("n"))
                              .join(AgendaItem, AgendaItem.id == Vote.item_id)
                              .where(AgendaItem.session_id == session_id).group_by(Vote.item_id, Vote.choice))
    for row in rows:
        counts.setdefault(row.item_id, {})[row.choice] = row.n
    return counts


def _chairs(session: CommitteeSession, rows) -> list[str]:
    """Who chaired: each person who recorded a recommendation, in the agenda's order, then the chair acting last."""
    ids = list(dict.fromkeys([row.recorded_by_id for row in rows if row.recorded_by_id] +
                             ([session.chair_id] if session.chair_id else [])))
    if not ids:
        return []
    names = {row.id: _name(row.full_name, row.email) for row in db.session.execute(
        select(User.id, User.full_name, User.email).where(User.id.in_(ids)))}
    return [names[user_id] for user_id in ids if user_id in names]


def generate(session: CommitteeSession) -> dict:
    """The minutes' content as the session stands now."""
    rows = _item_rows(session.id)
    recused, votes = _recused(session.id), _votes(session.id)
    items = [minutes.ItemFacts(
        position=row.position, reference=row.reference or "", title=row.title, organisation=row.organisation,
        strand=row.strand, strand_position=row.strand_position, requested_amount=row.requested_amount,
        recused=tuple(recused.get(row.id, ())), votes=votes.get(row.id, {}), recommendation=row.recommendation,
        amount=row.amount, postponed_to=row.postponed_to or "", notes=row.notes or "") for row in rows]
    return minutes.build_content(session_facts(session), member_facts(session), _chairs(session, rows), items)


@dataclass(frozen=True)
class VersionLine:
    id: int
    version: int
    locked_at: datetime | None
    locked_by: str | None
    fingerprint: str | None


def versions(session_id: int) -> list[VersionLine]:
    """The session's versions of the minutes, the first one first, with who locked each."""
    rows = db.session.execute(
        select(Minutes.id, Minutes.version, Minutes.locked_at, Minutes.fingerprint, User.full_name, User.email)
        .outerjoin(User, User.id == Minutes.locked_by_id)
        .where(Minutes.session_id == session_id).order_by(Minutes.version)).all()
    return [VersionLine(row.id, row.version, row.locked_at,
                        _name(row.full_name, row.email) if row.email else None, row.fingerprint) for row in rows]


def version_of(session_id: int, number: int) -> Minutes | None:
    return db.session.execute(select(Minutes).where(Minutes.session_id == session_id, Minutes.version == number)
                              ).scalar_one_or_none()


def latest(session_id: int) -> Minutes | None:
    return db.session.execute(select(Minutes).where(Minutes.session_id == session_id)
                              .order_by(Minutes.version.desc()).limit(1)).scalar_one_or_none()


@dataclass(frozen=True)
class ShownVersion:
    """One version as a page or a PDF shows it: a draft's content generated now, a locked one's as it was sealed."""

    number: int
    #: the stored row; None while no version was saved yet
    row: Minutes | None
    document: minutes.Document
    text: str
    locked: bool
    #: the sealed fingerprint of a locked version, or the one of the draft as shown now (the lock form carries it)
    fingerprint: str
    #: the next version, when this one was replaced by a correction
    replaced_by: int | None
    locked_at: datetime | None = None
    locked_by: str | None = None


def shown_version(session: CommitteeSession, row: Minutes | None, lines: list[VersionLine],
                  text: str | None = None) -> ShownVersion:
    """`text`, when given, replaces a draft's stored text (a preview of what was typed)."""
    number = row.version if row is not None else 1
    line = next((line for line in lines if line.version == number), None)
    later = [line.version for line in lines if line.version > number]
    if row is not None and row.locked_at is not None:
        return ShownVersion(number, row, minutes.read(row.content), row.text, True, row.fingerprint or "",
                            min(later) if later else None, row.locked_at, line.locked_by if line else None)
    content = generate(session)
    stored = row.text if row is not None else ""
    return ShownVersion(number, row, minutes.read(content), stored if text is None else text, False,
                        minutes.fingerprint(content, stored, number, session.id), min(later) if later else None)
