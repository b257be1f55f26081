"""Hand-over: the locked minutes' recommendations move the dossiers into the decision step, through their workflow."""
import pytest

from aap.committee import handover
from aap.committee.models import AgendaItem
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow.models import AuditRecord
from tests import factories
from tests.committee.minutes_world import meeting
from tests.committee.test_minutes import flat, lock_now


def url(world, path=""):
    return f"/comite/seances/{world['session'].id}/proces-verbal{path}"


def locked(client, world):
    client.login(world["chair"])
    lock_now(client, world)
    admin = factories.make_user(roles=("admin",), totp=True, full_name="Awa Admin")
    client.login(admin)
    return admin


def states(world) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Dossier, dossier.id).state for dossier in world["dossiers"]]


def last_record(dossier) -> AuditRecord:
    return db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                              .order_by(AuditRecord.sequence.desc())).scalars().first()


def test_each_recommendation_moves_its_dossier_to_the_committees_opinion(client, session):
    world = meeting()
    locked(client, world)
    answer = client.post(url(world, "/transmettre"), follow_redirects=True)
    assert "4 dossiers transmis à la décision." in answer.page
    assert states(world) == ["committee_opinion"] * 4
    record = last_record(world["dossiers"][0])
    assert record.transition == "record_opinion" and record.holder_visible is False
    assert flat(record.comment).startswith(f"Avis du comité de projets (séance « {world['session'].title} » du ")
    assert "Avis favorable, pour un montant de 8 000 €. Procès-verbal, version 1." in flat(record.comment)
    assert "Observations : Échanges sur « Jardin partagé »." in record.comment
    assert record.payload["committee_handover"]["session"] == world["session"].id
    assert record.payload["committee_handover"]["version"] == 1
    postponed = last_record(world["dossiers"][3])
    assert "Ajourné, reporté à : séance d'automne." in postponed.comment
    assert "Avis défavorable. Procès-verbal, version 1." in last_record(world["dossiers"][1]).comment
    again = client.post(url(world, "/transmettre"), follow_redirects=True)
    assert "Aucun dossier de plus n'a été transmis" in again.page and "transmis à la décision." not in again.page
    assert db.session.execute(db.select(db.func.count(AuditRecord.id)).where(
        AuditRecord.transition == "record_opinion")).scalar() == 4


def test_a_dossier_that_cannot_move_is_listed_with_the_engines_reason_and_the_others_move(client, session):
    world = meeting()
    withdrawn = db.session.get(Dossier, world["dossiers"][1].id)
    withdrawn.state = "withdrawn"
    unrecorded = db.session.get(AgendaItem, world["items"][2].id)
    unrecorded.recommendation = None
    db.session.commit()
    locked(client, world)
    answer = client.post(url(world, "/transmettre"), follow_redirects=True)
    assert "2 dossiers transmis à la décision." in answer.page
    reference = world["dossiers"][1].reference
    assert (f"{reference} « Café associatif » n'est pas transmis : « Enregistrer l'avis du comité » n'est pas "
            "possible quand le dossier est à l'état « Retiré par le porteur ».") in answer.page
    assert "« Recyclerie » n'est pas transmis : Le comité n'a pas rendu d'avis sur ce dossier" in answer.page
    assert states(world) == ["committee_opinion", "withdrawn", "on_agenda", "committee_opinion"]
    again = client.post(url(world, "/transmettre"), follow_redirects=True)
    assert "Aucun dossier de plus n'a été transmis" in again.page
    assert "« Café associatif » n'est pas transmis" in again.page  # still said, still not moved


def test_a_role_the_transition_does_not_name_is_refused_by_the_engine(client, session):
    world = meeting()
    client.login(world["chair"])
    lock_now(client, world)
    client.login(factories.make_user(roles=("instructor",), totp=True))
    answer = client.post(url(world, "/transmettre"), follow_redirects=True)
    assert answer.page.count("Votre rôle ne permet pas « Enregistrer l'avis du comité ».") == 4
    assert states(world) == ["on_agenda"] * 4


def test_a_workflow_whose_committee_decides_itself_says_so_per_dossier(client, session):
    world = meeting(workflow="deux-temps", state="in_review")
    locked(client, world)
    answer = client.post(url(world, "/transmettre"), follow_redirects=True)
    assert answer.page.count("n'a pas d'étape d'avis du comité avant la décision : le dossier reste à l'état "
                             "« En instruction », et la décision s'enregistre sur sa page.") == 4
    assert states(world) == ["in_review"] * 4


def test_a_joint_instruction_opens_the_funders_decisions(client, session):
    world = meeting(workflow="instruction-conjointe", state="joint_committee")
    locked(client, world)
    answer = client.post(url(world, "/transmettre"), follow_redirects=True)
    assert "4 dossiers transmis à la décision." in answer.page
    assert states(world) == ["funders_deciding"] * 4
    assert last_record(world["dossiers"][0]).transition in ("open_funder_decisions", "committee_handover")


def test_the_rule_finds_one_hand_over_transition_per_workflow(session):
    from aap.workflow.engine import workflow_of

    expected = {"plaine-commune": ("on_agenda", ["record_opinion"]),
                "instruction-conjointe": ("joint_committee", ["open_funder_decisions"]),
                "deux-temps": ("in_review", [])}
    for name, (state, transitions) in expected.items():
        call = factories.make_open_call(workflow=name)
        holder = factories.make_user()
        dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
        workflow = workflow_of(dossier)
        assert [t.name for t in handover.handover_transitions(workflow, state)] == transitions
        assert [t.name for t in handover.handover_transitions(workflow)] == transitions


EVENT_FOLLOWER = """
name: petit-comite
version: 1
label: Petit comité
initial: on_agenda
roles: [committee, admin]
states:
  on_agenda: {label: Inscrit au comité}
  opinion: {label: Avis rendu}
  postponed: {label: Ajourné}
  granted: {label: Accordé, final: true}
transitions:
  - {name: record_opinion, label: Avis, from: [on_agenda], to: opinion, roles: [committee]}
  - {name: postpone, label: Ajourner, from: [opinion], to: postponed, roles: [committee], when: decision_postponed}
  - {name: grant, label: Accorder, from: [opinion], to: granted, roles: [committee], when: decision_granted}
  - {name: reschedule, label: Réinscrire, from: [postponed], to: on_agenda, roles: [admin]}
"""


def test_a_committee_transition_that_follows_an_event_is_never_a_hand_over(session):
    from aap.workflow.schema import load_text

    workflow = load_text(EVENT_FOLLOWER)
    assert [t.name for t in handover.handover_transitions(workflow)] == ["record_opinion"]
    assert handover.handover_transitions(workflow, "opinion") == []


@pytest.mark.parametrize("situation", ["open", "draft", "correction"])
def test_the_hand_over_waits_for_a_closed_session_and_locked_minutes(client, session, situation):
    world = meeting(closed=situation != "open")
    admin = factories.make_user(roles=("admin",), totp=True)
    if situation == "correction":
        locked(client, world)
        client.post(url(world, "/corriger"))
    client.login(admin)
    answer = client.post(url(world, "/transmettre"), follow_redirects=True)
    expected = {"open": "La séance n'est pas close", "draft": "Verrouillez d'abord le procès-verbal",
                "correction": "Verrouillez d'abord le procès-verbal"}[situation]
    assert expected in answer.page and states(world) == ["on_agenda"] * 4


def test_only_the_staff_hand_over(client, session):
    world = meeting()
    client.login(world["chair"])
    lock_now(client, world)
    assert client.post(url(world, "/transmettre")).status_code == 403
    assert "Transmettre les avis à la décision" not in client.get(url(world)).page
    assert states(world) == ["on_agenda"] * 4


def test_the_mark_has_a_record_of_its_own_when_an_effect_wrote_after_the_transition(session):
    from aap.core.models import utcnow
    from aap.workflow import audit

    world = meeting()
    dossier = db.session.get(Dossier, world["dossiers"][0].id)
    now = utcnow()
    transition = audit.append(dossier, transition="record_opinion", from_state="on_agenda", to_state="on_agenda",
                              actor=None, at=now)
    audit.append(dossier, transition="effect_record", from_state="on_agenda", to_state="on_agenda", actor=None, at=now)
    handover._mark(dossier, transition, {"session": world["session"].id, "minutes": 1, "version": 1}, None, now)
    db.session.commit()
    assert last_record(dossier).transition == "committee_handover"
    assert handover._already_moved(world["session"], [dossier.id]) == {dossier.id}
