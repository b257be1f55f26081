"""Conflicts of interest: declared by a reviewer or committee member, recorded or removed by an admin, audited."""
import pytest

from aap.dossiers.access import access
from aap.dossiers.reviewers import DECLINED, RECUSED, Conflict
from aap.extensions import db
from aap.notifications.models import Notification
from aap.workflow.models import AuditRecord
from tests import factories
from tests.review.helpers import assign, reviewer, submitted_dossier


def last_record(dossier):
    return db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == dossier.id)
                              .order_by(AuditRecord.sequence.desc())).scalars().first()


def conflicts_on(dossier):
    return db.session.execute(db.select(Conflict).where(Conflict.dossier_id == dossier.id)).scalars().all()


def test_reviewer_declares_before_any_assignment_and_is_recused(client):
    call = factories.make_open_call()
    dossier = submitted_dossier(call, title="Ressourcerie du canal")
    user = reviewer(call)
    client.login(user)
    listing = client.get(f"/relectures/appels/{call.id}/conflits?q=canal").page
    assert dossier.reference in listing and "Saint-Denis" in listing and dossier.organisation.name in listing
    response = client.post(f"/relectures/appels/{call.id}/conflits/{dossier.id}",
                           data={"kind": "financial", "details": ""})
    assert response.status_code == 302
    [conflict] = conflicts_on(dossier)
    assert (conflict.user_id, conflict.kind, conflict.declared_by_id) == (user.id, "financial", user.id)
    record = last_record(dossier)
    assert (record.transition, record.holder_visible, record.payload["person"]) == ("conflict_declared", False,
                                                                                   user.id)
    assert "Déclaré : Relation financière" in client.get(f"/relectures/appels/{call.id}/conflits").page


def test_a_conflict_declines_the_active_assignment_and_closes_the_dossier(client):
    call = factories.make_open_call()
    instructor = factories.make_user(roles=("instructor",), totp=True)
    dossier = submitted_dossier(call)
    user = reviewer(call)
    assignment = assign(dossier, user)
    client.login(user)
    assert client.get(f"/dossiers/{dossier.id}").status_code == 200
    client.post(f"/relectures/appels/{call.id}/conflits/{dossier.id}", data={"kind": "member"})
    db.session.refresh(assignment)
    assert (assignment.state, assignment.decline_reason) == (DECLINED, "Conflit d'intérêts déclaré")
    assert access(user, db.session.get(type(dossier), dossier.id)).recused == str(RECUSED)
    assert client.get(f"/dossiers/{dossier.id}").status_code == 404
    assert db.session.execute(db.select(Notification).where(Notification.user_id == instructor.id,
                                                            Notification.event == "review_declined")).first()


def test_a_committee_member_declares_too(client):
    call = factories.make_open_call()
    dossier = submitted_dossier(call)
    member = factories.make_user(roles=("committee",), call=call, totp=True)
    client.login(member)
    assert client.post(f"/relectures/appels/{call.id}/conflits/{dossier.id}",
                       data={"kind": "family"}).status_code == 302
    assert [c.user_id for c in conflicts_on(dossier)] == [member.id]


def test_other_without_text_is_refused_and_nothing_is_saved(client):
    call = factories.make_open_call()
    dossier = submitted_dossier(call)
    client.login(reviewer(call))
    response = client.post(f"/relectures/appels/{call.id}/conflits/{dossier.id}", data={"kind": "other",
                                                                                     "details": "  "})
    assert response.status_code == 400 and "Précisez la nature du conflit d'intérêts." in response.page
    assert client.post(f"/relectures/appels/{call.id}/conflits/{dossier.id}",
                       data={"kind": "nope"}).status_code == 400
    assert conflicts_on(dossier) == []


def test_a_conflict_declared_twice_is_refused(client):
    call = factories.make_open_call()
    dossier = submitted_dossier(call)
    client.login(reviewer(call))
    client.post(f"/relectures/appels/{call.id}/conflits/{dossier.id}", data={"kind": "family"})
    response = client.post(f"/relectures/appels/{call.id}/conflits/{dossier.id}", data={"kind": "member"})
    assert response.status_code == 400
    assert "Vous avez déjà déclaré un conflit d'intérêts pour ce dossier" in response.page
    assert [c.kind for c in conflicts_on(dossier)] == ["family"]


def test_drafts_other_calls_and_other_peoples_calls_are_not_found(client):
    call, other = factories.make_open_call(), factories.make_open_call()
    holder = factories.make_user()
    draft = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
    elsewhere = submitted_dossier(other)
    client.login(reviewer(call))
    assert client.post(f"/relectures/appels/{call.id}/conflits/{draft.id}", data={"kind": "family"}).status_code == 404
    assert client.post(f"/relectures/appels/{call.id}/conflits/{elsewhere.id}",
                       data={"kind": "family"}).status_code == 404
    assert client.get(f"/relectures/appels/{other.id}/conflits").status_code == 404
    assert draft.reference is None and conflicts_on(elsewhere) == []


def test_conflicts_page_costs_the_same_for_many_dossiers(client, count_queries):
    call = factories.make_open_call()
    submitted_dossier(call)
    client.login(reviewer(call))
    client.get(f"/relectures/appels/{call.id}/conflits")  # the same warm session for both counts
    with count_queries() as few:
        client.get(f"/relectures/appels/{call.id}/conflits")
    for _ in range(8):
        submitted_dossier(call)
    client.get(f"/relectures/appels/{call.id}/conflits")
    with count_queries() as many:
        assert client.get(f"/relectures/appels/{call.id}/conflits").page.count("Déclarer<") == 9
    assert many.n == few.n


def test_admin_records_and_removes_a_conflict_with_a_reason(client, login_as):
    call = factories.make_open_call()
    dossier = submitted_dossier(call)
    person = reviewer(call)
    admin = login_as("admin")
    response = client.post(f"/instruction/appels/{call.id}/conflits",
                           data={"user_id": str(person.id), "reference": dossier.reference.lower(), "kind": "other",
                                 "details": "Ancien trésorier"})
    assert response.status_code == 302
    [conflict] = conflicts_on(dossier)
    assert (conflict.user_id, conflict.declared_by_id, conflict.details) == (person.id, admin.id, "Ancien trésorier")
    assert "Ancien trésorier" in client.get(f"/instruction/appels/{call.id}/conflits").page
    refused = client.post(f"/instruction/appels/{call.id}/conflits/{conflict.id}/retirer", data={"reason": ""})
    assert refused.status_code == 400 and "Indiquez le motif." in refused.page
    assert client.post(f"/instruction/appels/{call.id}/conflits/{conflict.id}/retirer",
                       data={"reason": "Déclaré par erreur"}).status_code == 302
    assert conflicts_on(dossier) == []
    record = last_record(dossier)
    assert (record.transition, record.comment, record.holder_visible) == ("conflict_removed", "Déclaré par erreur",
                                                                          False)


@pytest.mark.parametrize("data, message", [
    ({"reference": "AAP-0000-9999", "kind": "family"}, "Aucun dossier déposé de cet appel ne porte cette référence."),
    ({"kind": "family", "user_id": "999999"}, "Choisissez une personne qui relit ou siège au comité de cet appel."),
])
def test_admin_bad_records_are_refused(client, login_as, data, message):
    call = factories.make_open_call()
    dossier = submitted_dossier(call)
    person = reviewer(call)
    login_as("admin")
    response = client.post(f"/instruction/appels/{call.id}/conflits",
                           data={"user_id": str(person.id), "reference": dossier.reference, **data})
    assert response.status_code == 400 and message in response.page
    assert conflicts_on(dossier) == []


def test_instructors_read_the_conflicts_but_only_admins_write(client, login_as):
    call = factories.make_open_call()
    login_as("instructor")
    assert client.get(f"/instruction/appels/{call.id}/conflits").status_code == 200
    assert client.post(f"/instruction/appels/{call.id}/conflits", data={}).status_code == 403
