"""Reviewer pools: members invited by group, changed, removed; the call's review settings; members' preferences."""
import pytest

from aap.auth.models import RoleGrant
from aap.calls.models import Call, Strand
from aap.dossiers.reviewers import DECLINED, DONE
from aap.extensions import db
from aap.review.models import PoolMember
from aap.workflow.models import AuditRecord
from tests import factories
from tests.calls.test_calls import FORM
from tests.review.helpers import assign, reviewer, submitted_dossier


def pool_of(call):
    return db.session.execute(db.select(PoolMember).where(PoolMember.call_id == call.id)).scalars().all()


@pytest.mark.parametrize("role", ["admin", "instructor"])
def test_staff_add_a_member_through_the_invitation(client, login_as, mailbox, worker, role):
    login_as(role)
    call = factories.make_open_call()
    response = client.post(f"/instruction/appels/{call.id}/relecteurs",
                           data={"email": " Banquiere@Example.org ", "group": "banks", "cap": "4"})
    assert response.status_code == 302
    [member] = pool_of(call)
    assert (member.user.email, member.group, member.cap) == ("banquiere@example.org", "banks", 4)
    assert member.user.has_role("reviewer", call.id)
    worker.drain()
    [mail] = mailbox.to("banquiere@example.org")
    assert "/invitation/" in mailbox.text(mail)
    page = client.get(f"/instruction/appels/{call.id}/relecteurs").page
    assert "Banques et finance" in page and "banquiere@example.org" in page and "Invitation en attente" in page


@pytest.mark.parametrize("data, message", [
    ({"email": "x@example.org", "group": "astrologers"}, "Choisissez l'un des groupes de parties prenantes proposés."),
    ({"email": "pas-une-adresse", "group": "banks"}, "Saisissez une adresse e-mail valide"),
    ({"email": "x@example.org", "group": "banks", "cap": "-1"}, "Saisissez un plafond entre 0 et 500"),
])
def test_bad_member_inputs_are_refused_and_kept(client, login_as, data, message):
    login_as("admin")
    call = factories.make_open_call()
    response = client.post(f"/instruction/appels/{call.id}/relecteurs", data=data)
    assert response.status_code == 400
    assert message in response.page and data["email"] in response.page
    assert pool_of(call) == []


def test_a_member_added_twice_is_refused(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    existing = reviewer(call)
    response = client.post(f"/instruction/appels/{call.id}/relecteurs", data={"email": existing.email,
                                                                              "group": "elected"})
    assert response.status_code == 400
    assert "Cette personne fait déjà partie des relecteurs de cet appel." in response.page
    assert [m.group for m in pool_of(call)] == ["banks"]


def test_adding_members_is_rate_limited_like_invitations(client, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SENDER_LIMIT", "2 per hour")
    login_as("admin")
    call = factories.make_open_call()
    for n in range(2):
        assert client.post(f"/instruction/appels/{call.id}/relecteurs",
                           data={"email": f"r{n}@example.org", "group": "banks"}).status_code == 302
    response = client.post(f"/instruction/appels/{call.id}/relecteurs", data={"email": "r9@example.org",
                                                                              "group": "banks"})
    assert response.status_code == 429 and "Trop de courriels" in response.page
    assert len(pool_of(call)) == 2


def test_pool_page_lists_by_group_sorted_and_filtered(client, login_as, count_queries):
    login_as("instructor")
    call = factories.make_open_call()
    dossier = submitted_dossier(call)
    zoe = reviewer(call, "networks", full_name="Zoé Réseau")
    reviewer(call, "networks", full_name="Anne Réseau")
    reviewer(call, "elected", full_name="Élu Municipal")
    assign(dossier, zoe)
    page = client.get(f"/instruction/appels/{call.id}/relecteurs?tri=load&ordre=desc").page
    assert page.index("Têtes de réseau") < page.index("Élu·es")
    assert page.index("Zoé Réseau") < page.index("Anne Réseau")
    assert "1 à faire, 0 faites" in page
    filtered = client.get(f"/instruction/appels/{call.id}/relecteurs?groupe=elected").page
    assert "Élu Municipal" in filtered and "Zoé Réseau" not in filtered
    assert "Anne" in client.get(f"/instruction/appels/{call.id}/relecteurs?q=anne").page
    with count_queries() as few:
        client.get(f"/instruction/appels/{call.id}/relecteurs")
    for n in range(12):
        assign(dossier if n % 2 else submitted_dossier(call), reviewer(call, "banks"))
    with count_queries() as many:
        client.get(f"/instruction/appels/{call.id}/relecteurs")
    assert many.n == few.n


def test_staff_change_a_members_group_and_cap(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    member_user = reviewer(call)
    [member] = pool_of(call)
    assert client.post(f"/instruction/appels/{call.id}/relecteurs/{member.id}",
                       data={"group": "departments", "cap": ""}).status_code == 302
    db.session.refresh(member)
    assert (member.group, member.cap, member.user_id) == ("departments", None, member_user.id)
    response = client.post(f"/instruction/appels/{call.id}/relecteurs/{member.id}", data={"group": "nope"})
    assert response.status_code == 400 and "Choisissez l'un des groupes" in response.page


def test_removing_a_member_declines_pending_work_and_keeps_done_work(client, login_as):
    login_as("admin")
    call = factories.make_open_call()
    user = reviewer(call)
    pending, done = assign(submitted_dossier(call), user), assign(submitted_dossier(call), user, state=DONE)
    member_id = pool_of(call)[0].id
    response = client.post(f"/instruction/appels/{call.id}/relecteurs/{member_id}/retirer", follow_redirects=True)
    assert "1 relecture à faire a été déclinée ; ses avis soumis sont gardés." in response.page
    db.session.refresh(pending), db.session.refresh(done)
    assert (pending.state, pending.decline_reason) == (DECLINED, "Retiré·e des relecteurs de l'appel")
    assert done.state == DONE and pool_of(call) == []
    assert db.session.execute(db.select(RoleGrant).where(RoleGrant.user_id == user.id)).first() is None
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.dossier_id == pending.dossier_id)
                                .order_by(AuditRecord.sequence.desc())).scalars().first()
    assert (record.transition, record.holder_visible) == ("review_declined", False)
    # the removed member is gone: their pages and their former assignment are unknown to them
    assert client.post(f"/instruction/appels/{call.id}/relecteurs/{member_id}/retirer").status_code == 404
    client.login(user)
    assert client.get(f"/relectures/appels/{call.id}/preferences").status_code == 403
    assert client.get(f"/relectures/{pending.id}/decliner").status_code == 403


def test_a_member_of_another_call_is_not_found_through_this_one(client, login_as):
    login_as("admin")
    call, other = factories.make_open_call(), factories.make_open_call()
    reviewer(other)
    [member] = pool_of(other)
    assert client.get(f"/instruction/appels/{call.id}/relecteurs/{member.id}").status_code == 404
    assert client.get("/instruction/appels/999999/relecteurs").status_code == 404


def test_review_settings_are_saved_from_the_call_form(client, login_as):
    login_as("admin")
    data = {**FORM, "reviews_per_dossier": "4", "groups_per_dossier": "3", "review_days": "15",
            "hide_holder_identity": "y"}
    assert client.post("/admin/appels/nouveau", data=data).status_code == 302
    call = db.session.execute(db.select(Call)).scalar_one()
    assert (call.reviews_per_dossier, call.groups_per_dossier, call.review_days, call.hide_holder_identity) == \
        (4, 3, 15, True)
    page = client.get(f"/admin/appels/{call.id}/modifier").page
    assert "Relectures par dossier" in page and "Cacher l'identité du porteur aux relecteurs" in page


def test_more_groups_than_reviews_is_refused(client, login_as):
    login_as("admin")
    response = client.post("/admin/appels/nouveau", data={**FORM, "reviews_per_dossier": "2",
                                                          "groups_per_dossier": "3"})
    assert response.status_code == 400
    assert "Le nombre de groupes ne peut pas dépasser le nombre de relectures par dossier" in response.page


def test_member_states_preferences(client):
    call = factories.make_open_call()
    call.strands = [Strand(name="Création", position=0), Strand(name="Coopération", position=1)]
    db.session.commit()
    user = reviewer(call)
    client.login(user)
    page = client.get(f"/relectures/appels/{call.id}/preferences").page
    assert "Création" in page and "Saint-Denis" in page
    strand = call.strands[1].id
    response = client.post(f"/relectures/appels/{call.id}/preferences",
                           data={"strand_ids": [str(strand)], "communes": ["93066"], "cap": "3"})
    assert response.status_code == 302
    [member] = pool_of(call)
    # Saint-Denis covers Pierrefitte-sur-Seine, merged into it in 2025
    assert (member.strand_ids, member.non_neutral_communes, member.cap) == ([strand], ["93059", "93066"], 3)
    assert client.post(f"/relectures/appels/{call.id}/preferences",
                       data={"communes": ["75056"]}).status_code == 400
    staff_page = client.get(f"/instruction/appels/{call.id}/relecteurs")
    assert staff_page.status_code == 403


def test_preferences_of_a_call_one_is_not_a_member_of_are_not_found(client):
    call, other = factories.make_open_call(), factories.make_open_call()
    client.login(reviewer(call))
    assert client.get(f"/relectures/appels/{other.id}/preferences").status_code == 404
