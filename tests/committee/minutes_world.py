"""A committee session that took place, written as rows: members with their groups and attendance, a chair, items with
votes, recusals and recommendations. The figures below are what the minutes must say."""
import unicodedata
from datetime import timedelta
from decimal import Decimal
from itertools import count

from aap.committee.models import ABSENT, CLOSED, IN_ROOM, REMOTE, Recusal, Vote
from aap.core.models import utcnow
from aap.extensions import db
from aap.review.models import PoolMember
from tests import factories
from tests.committee.agenda_world import make_session, put_on_agenda, ready_dossier, strands_of

_calls = count(1)
#: name, stakeholder group in the call's pools, attendance (None: not recorded)
MEMBERS = (("Alice Réseau", "networks", IN_ROOM), ("Bruno Banque", "banks", REMOTE),
           ("Chloé Région", "public_funders", ABSENT), ("David Service", None, None))
#: title, strand index, recommendation, amount, postponed to, votes (favorable, défavorable, abstention), recused
ITEMS = (
    ("Jardin partagé", 0, "favorable", "8000", "", (2, 0, 0), ()),
    ("Café associatif", 1, "defavorable", None, "", (0, 1, 0), ("Bruno Banque",)),
    ("Recyclerie", 1, "favorable", "5000", "", (1, 0, 1), ()),
    ("Atelier vélo", 0, "ajourne", None, "séance d'automne", (0, 0, 0), ()),
)


def ascii_name(name: str) -> str:
    return unicodedata.normalize("NFKD", name.split()[0].lower()).encode("ascii", "ignore").decode()


def pool(call, user, group) -> None:
    if group is not None:
        db.session.add(PoolMember(call_id=call.id, user_id=user.id, group=group, strand_ids=[],
                                  non_neutral_communes=[]))


def meeting(workflow: str = "plaine-commune", items=ITEMS, closed: bool = True, suffix: str = "",
            state: str = "on_agenda") -> dict:
    """The session of the module's figures; `closed=False` leaves it open, as during the meeting."""
    number = next(_calls)
    call = factories.make_open_call(workflow=workflow, title=f"Appel ESS {number}{suffix}")
    strands = strands_of(call)
    members = {}
    for name, group, _attendance in MEMBERS:
        members[name] = factories.make_user(roles=("committee",), call=call, totp=True, full_name=name,
                                            email=f"{ascii_name(name)}{number}{suffix}@example.org")
        pool(call, members[name], group)
    session = make_session(call, list(members.values()), title=f"Comité de printemps {number}")
    session.quorum = 2
    for member in session.members:
        attendance = next(a for name, _g, a in MEMBERS if members[name].id == member.user_id)
        member.attendance, member.attendance_recorded_at = attendance, utcnow() if attendance else None
    dossiers = [ready_dossier(call, strands[spec[1]], "50", title=spec[0], state=state) for spec in items]
    agenda = put_on_agenda(session, dossiers)
    chair = members["Alice Réseau"]
    for item, (_title, _strand, recommendation, amount, later, votes, recused) in zip(agenda, items):
        record(item, chair, recommendation, amount, later, votes, recused, list(members.values()))
    if closed:
        close(session, chair, present=2)
    db.session.commit()
    return {"call": call, "session": session, "members": members, "chair": chair, "items": agenda,
            "dossiers": dossiers, "strands": strands}


def record(item, chair, recommendation, amount, later, votes, recused, people) -> None:
    item.recommendation, item.recorded_by_id, item.recorded_at = recommendation, chair.id, utcnow()
    item.amount = Decimal(amount) if amount else None
    item.postponed_to, item.notes = later, f"Échanges sur « {item.dossier.title} »."
    voters = [person for person in people if person.full_name not in recused]
    choices = ["favorable"] * votes[0] + ["defavorable"] * votes[1] + ["abstention"] * votes[2]
    db.session.add_all(Vote(item_id=item.id, user_id=voter.id, choice=choice) for voter, choice in zip(voters, choices))
    db.session.add_all(Recusal(item_id=item.id, user_id=person.id) for person in people if person.full_name in recused)


def close(session, chair, present: int) -> None:
    now = utcnow()
    session.state, session.chair_id, session.chair_since = CLOSED, chair.id, now - timedelta(hours=2)
    session.opened_at, session.closed_at = now - timedelta(hours=2), now - timedelta(minutes=1)
    session.present_at_opening, session.quorum_met = present, present >= session.quorum
    db.session.commit()


def many(count_: int) -> tuple:
    """`count_` items in the module's pattern, for pages whose cost must not grow with the agenda."""
    return tuple((f"Projet {n}", n % 2, *ITEMS[n % len(ITEMS)][2:]) for n in range(count_))
