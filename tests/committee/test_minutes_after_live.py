"""The minutes of a meeting held through the live meeting's own operations: what they recorded is what the minutes say."""
from decimal import Decimal

from aap.committee import live_operations as live
from aap.committee import minutes_queries
from aap.committee.models import IN_ROOM, REMOTE, CommitteeSession
from aap.core.models import utcnow
from aap.dossiers.reviewers import Conflict
from aap.extensions import db
from tests import factories
from tests.committee.agenda_world import make_session, put_on_agenda, ready_dossier, strands_of


def test_a_meeting_held_live_writes_its_minutes(session):
    call = factories.make_open_call(title="Appel ESS en direct")
    creation, _development = strands_of(call)
    names = ("Alice Réseau", "Bruno Banque", "Chloé Région")
    alice, bruno, chloe = (factories.make_user(roles=("committee",), call=call, totp=True, full_name=name)
                           for name in names)
    staff = factories.make_user(roles=("instructor",), totp=True, full_name="Inès Instruction")
    meeting = make_session(call, [alice, bruno, chloe])
    for member, attendance in zip(meeting.members, (IN_ROOM, REMOTE, IN_ROOM)):
        member.attendance = attendance
    first, second = (ready_dossier(call, creation, "60", title=title) for title in ("Jardin", "Épicerie"))
    db.session.add(Conflict(dossier_id=second.id, user_id=chloe.id, kind="member", declared_at=utcnow()))
    put_on_agenda(meeting, [first, second])
    now = utcnow()
    live.open_session(meeting, staff, without_quorum=False, now=now)
    live.hand_over(meeting, staff, alice.id, now)
    item = live.step(meeting, alice, True, None, now)
    for person, choice in ((alice, "favorable"), (bruno, "favorable"), (chloe, "abstention")):
        live.cast_vote(meeting, item, person, choice)
    live.record_recommendation(meeting, item, alice, live.RecommendationInput("favorable", Decimal("6000"),
                                                                              "Projet solide.", ""), now)
    item = live.step(meeting, alice, True, item.id, now)
    live.hand_over(meeting, alice, bruno.id, now)
    live.cast_vote(meeting, item, alice, "defavorable")
    live.record_recommendation(meeting, item, bruno, live.RecommendationInput("ajourne", None, "",
                                                                              "comité d'automne"), now)
    live.close_session(meeting, bruno, without_recommendation=False, now=now)
    db.session.commit()
    content = minutes_queries.generate(db.session.get(CommitteeSession, meeting.id))
    assert content["attendance"] == {"room": 2, "remote": 1, "absent": 0, "unrecorded": 0, "present": 3,
                                     "members": 3}
    assert content["quorum"] == {"required": 1, "present_at_opening": 3, "met": True}
    assert content["chairs"] == ["Alice Réseau", "Bruno Banque"]
    jardin, epicerie = content["items"]
    assert jardin["votes"] == {"favorable": 2, "defavorable": 0, "abstention": 1} and jardin["recused"] == []
    assert jardin["recommendation"] == "favorable" and jardin["amount"] == "6000.00"
    assert epicerie["recused"] == ["Chloé Région"] and epicerie["votes"]["defavorable"] == 1
    assert epicerie["recommendation"] == "ajourne" and epicerie["postponed_to"] == "comité d'automne"
    assert content["totals"]["amount"] == "6000.00" and content["session"]["state"] == "closed"
