from datetime import date, timedelta

from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow import engine
from tests import factories


def dossiers():
    return db.session.execute(db.select(Dossier)).scalars().all()


def test_a_holder_without_an_organisation_is_sent_to_create_one(client, login_as):
    call = factories.make_open_call()
    login_as("holder")
    page = client.get(f"/appels/{call.id}/deposer").page
    assert "Enregistrez d'abord la vôtre" in page


def test_an_ineligible_organisation_is_told_why_and_nothing_is_created(client, login_as):
    call = factories.make_open_call(eligible_legal_forms=["association"], eligible_communes=["93066"],
                                    min_age_years=2)
    holder = login_as("holder")
    scop = factories.make_organisation(members=[holder], legal_form="scop", commune_insee="93001",
                                       creation_date=date.today() - timedelta(days=100), name="Scop récente")
    page = client.get(f"/appels/{call.id}/deposer").page
    assert "la forme juridique « SCOP (société coopérative et participative) » n'est pas acceptée" in page
    assert "son siège (Aubervilliers) est hors du territoire de l'appel" in page
    assert "elle doit avoir au moins 2 ans d'existence" in page
    refused = client.post(f"/appels/{call.id}/deposer", data={"organisation": str(scop.id)})
    assert refused.status_code == 400 and "Votre structure n'est pas éligible" in refused.page
    assert dossiers() == []


def test_an_eligible_organisation_starts_a_draft(client, login_as):
    call = factories.make_open_call(eligible_legal_forms=["association"])
    holder = login_as("holder")
    organisation = factories.make_organisation(members=[holder])
    response = client.post(f"/appels/{call.id}/deposer", data={"organisation": str(organisation.id)})
    [dossier] = dossiers()
    assert response.location == f"/dossiers/{dossier.id}/modifier"
    assert (dossier.state, dossier.organisation_id, dossier.audit_count) == ("draft", organisation.id, 1)


def test_someone_elses_organisation_cannot_be_chosen(client, login_as):
    call = factories.make_open_call()
    login_as("holder")
    stranger = factories.make_organisation(members=[factories.make_user()])
    response = client.post(f"/appels/{call.id}/deposer", data={"organisation": str(stranger.id)})
    assert response.status_code == 400 and "Choisissez la structure" in response.page and dossiers() == []


def test_a_closed_call_takes_no_new_dossier(client, login_as):
    call = factories.make_open_call(closes_at=utcnow() - timedelta(minutes=1))
    holder = login_as("holder")
    organisation = factories.make_organisation(members=[holder])
    response = client.post(f"/appels/{call.id}/deposer", data={"organisation": str(organisation.id)},
                           follow_redirects=True)
    assert "Cet appel n'accepte pas de dossier en ce moment" in response.page and dossiers() == []


def draft(client, login_as, **call_fields):
    call = factories.make_open_call(**call_fields)
    holder = login_as("holder")
    organisation = factories.make_organisation(members=[holder])
    return factories.make_dossier(call, organisation, holder, complete=False), holder


def test_a_draft_is_saved_in_several_sittings_then_submitted(client, login_as):
    dossier, holder = draft(client, login_as)
    page = client.get(f"/dossiers/{dossier.id}").text
    for anchor, label in (("title", "titre du projet"), ("summary", "description du projet"),
                          ("requested_amount", "montant demandé")):
        assert f'<a href="/dossiers/{dossier.id}/modifier#{anchor}">{label}</a>' in page
    form = client.get(f"/dossiers/{dossier.id}/modifier").text
    assert f'name="version" type="hidden" value="{dossier.lock_version}"' in form
    saved = client.post(f"/dossiers/{dossier.id}/modifier", data={"version": str(dossier.lock_version),
                                                                  "title": "Épicerie"})
    assert saved.status_code == 302
    client.post("/deconnexion")
    client.login(holder)
    db.session.refresh(dossier)
    client.post(f"/dossiers/{dossier.id}/modifier", data={"version": str(dossier.lock_version), "title": "Épicerie",
                                                          "summary": "Une épicerie solidaire.",
                                                          "requested_amount": "12000"})
    db.session.refresh(dossier)
    assert (dossier.title, dossier.requested_amount) == ("Épicerie", 12000)
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.commit()
    assert client.get(f"/dossiers/{dossier.id}/modifier").status_code == 403


def test_the_requested_amount_respects_the_call_limits(client, login_as):
    dossier, _holder = draft(client, login_as, min_amount=3000, max_amount=15000)
    over = client.post(f"/dossiers/{dossier.id}/modifier", data={"version": str(dossier.lock_version),
                                                                 "requested_amount": "20000"})
    assert over.status_code == 400 and "Le montant demandé dépasse le maximum de l'appel (15\u202f000\u00a0€)." in over.page
    under = client.post(f"/dossiers/{dossier.id}/modifier", data={"version": str(dossier.lock_version),
                                                                  "requested_amount": "100"})
    assert "inférieur au minimum de l'appel" in under.page


def test_a_second_save_from_a_stale_page_is_refused_and_keeps_the_input(client, login_as):
    dossier, _holder = draft(client, login_as)
    seen = str(dossier.lock_version)
    client.post(f"/dossiers/{dossier.id}/modifier", data={"version": seen, "title": "Version de Camille"})
    second = client.post(f"/dossiers/{dossier.id}/modifier", data={"version": seen, "title": "Version d'Alex"})
    assert second.status_code == 409 and "Quelqu'un d'autre a enregistré ce dossier" in second.page
    assert 'value="Version d&#39;Alex"' in second.text
    db.session.refresh(dossier)
    assert dossier.title == "Version de Camille"


def test_only_the_holders_may_edit_a_draft(client, login_as):
    dossier, _holder = draft(client, login_as)
    client.login(factories.make_user())
    assert client.get(f"/dossiers/{dossier.id}/modifier").status_code == 404
    client.login(factories.make_user(roles=("instructor",), totp=True))
    assert client.get(f"/dossiers/{dossier.id}/modifier").status_code == 404  # a draft is hidden from staff
