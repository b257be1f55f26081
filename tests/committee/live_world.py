"""A committee session ready for the live meeting, built as rows: its members, their attendance, the agenda."""
import itertools
from datetime import timedelta
from decimal import Decimal

from aap.calls.models import Strand
from aap.committee.models import CONVENED, IN_ROOM, AgendaItem, CommitteeSession, SessionMember
from aap.core.models import utcnow
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from aap.review.models import PoolMember
from aap.workflow import engine
from tests import factories

COUNTER = itertools.count(1)


def submitted_dossier(call, holder, title: str, amount=Decimal("12000"), strand=None):
    organisation = factories.make_organisation(members=[holder], name=f"Structure {title}")
    dossier = factories.make_dossier(call, organisation, holder, title=title, requested_amount=amount,
                                     strand_id=strand.id if strand else None)
    engine.apply_transition(dossier.id, "submit", holder)
    return dossier


def strand(call, name="Création", envelope=None) -> Strand:
    row = Strand(call_id=call.id, name=name, envelope=envelope, position=len(call.strands))
    db.session.add(row)
    db.session.commit()
    return row


def member(call, prefix="membre", name=None, email=None):
    """A person of the call's reviewer pool, as convened members are."""
    suffix = next(COUNTER)
    person = factories.make_user(email=email or f"{prefix}{suffix}.live@example.org", roles=("reviewer",), call=call,
                                 totp=True, full_name=name or f"Membre {suffix}")
    db.session.add(PoolMember(call_id=call.id, user_id=person.id, group="networks"))
    db.session.commit()
    return person


def session_of(call, members=(), quorum=1, state=CONVENED, attendance=IN_ROOM, title="Comité de projets") -> CommitteeSession:
    starts = utcnow() + timedelta(hours=1)
    meeting = CommitteeSession(call_id=call.id, title=title, starts_at=starts, ends_at=starts + timedelta(hours=3),
                               quorum=quorum, state=state, convened_at=utcnow())
    db.session.add(meeting)
    db.session.flush()
    for person in members:
        db.session.add(SessionMember(session_id=meeting.id, user_id=person.id, convocation_sent_at=utcnow(),
                                     attendance=attendance, attendance_recorded_at=utcnow() if attendance else None))
    db.session.commit()
    return meeting


def agenda(meeting, dossiers) -> list[AgendaItem]:
    items = [AgendaItem(session_id=meeting.id, dossier_id=dossier.id, position=position)
             for position, dossier in enumerate(dossiers, start=1)]
    db.session.add_all(items)
    db.session.commit()
    return items


def conflict(person, dossier) -> Conflict:
    row = Conflict(dossier_id=dossier.id, user_id=person.id, kind="member", declared_at=utcnow(),
                   declared_by_id=person.id)
    db.session.add(row)
    db.session.commit()
    return row


def meeting_world(members=3, quorum=2, total_envelope=Decimal("30000"), strand_envelope=Decimal("20000")):
    """A call with a strand, three submitted dossiers on the agenda, convened members (the second one in conflict
    with the first dossier), an administrator and an instructor."""
    from types import SimpleNamespace

    call = factories.make_open_call(total_envelope=total_envelope)
    creation = strand(call, "Création", strand_envelope)
    holder = factories.make_user()
    dossiers = [submitted_dossier(call, holder, "Ressourcerie du Canal", Decimal("12000"), creation),
                submitted_dossier(call, holder, "Café des Six Routes", Decimal("15000"), creation),
                submitted_dossier(call, holder, "Atelier Vélo Pleyel", Decimal("8000"))]
    people = [member(call, name=name) for name in ("Nadia Réseau", "Bruno Banque", "Élise Élue")[:members]]
    if len(people) > 1:
        conflict(people[1], dossiers[0])
    meeting = session_of(call, people, quorum=quorum)
    items = agenda(meeting, dossiers)
    admin = factories.make_user(roles=("admin",), totp=True, full_name="Ada Présidente")
    instructor = factories.make_user(roles=("instructor",), totp=True, full_name="Inès Tructrice")
    return SimpleNamespace(call=call, strand=creation, holder=holder, dossiers=dossiers, members=people,
                           meeting=meeting, items=items, admin=admin, instructor=instructor,
                           url=f"/comite/seances/{meeting.id}")


def opened(world, chair=None, item=0):
    """Open the world's session (its chair: the administrator) and bring an item up, as rows and operations."""
    from aap.committee import live_operations as operations

    chair = chair or world.admin
    operations.open_session(world.meeting, chair, without_quorum=True, now=utcnow())
    if item is not None:
        operations.make_current(world.meeting, world.items[item], utcnow())
    db.session.commit()
    return world
