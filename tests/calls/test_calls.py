from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import time_machine

from aap.calls.models import Call
from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow import engine
from tests import factories

FORM = {"title": "Appel à projets ESS", "year": "2021", "edition": "15", "funders": "Plaine Commune\nRégion",
        "description": "## Objet\nSoutenir l'**ESS**.", "workflow_name": "plaine-commune",
        "opens_on": "2021-09-01", "opens_time": "09:00", "closes_on": "2021-10-31", "closes_time": "12:00",
        "total_envelope": "120000", "min_amount": "3000", "max_amount": "15000", "max_share_percent": "70",
        "eligible_legal_forms": ["association", "scic"], "eligible_communes": ["93066", "93001"],
        "min_age_years": "1", "required_attachments": "Statuts signés\nDernier bilan",
        "strands-0-name": "Création", "strands-0-envelope": "40000",
        "strands-1-name": "Coopération", "strands-1-envelope": ""}


def create(client, **changes):
    return client.post("/admin/appels/nouveau", data={**FORM, **changes})


def only_call() -> Call:
    return db.session.execute(db.select(Call)).scalar_one()


def test_admin_creates_a_call_with_all_its_settings(client, login_as):
    login_as("admin")
    assert create(client).status_code == 302
    call = only_call()
    assert (call.state, call.funders, call.edition) == ("draft", ["Plaine Commune", "Région"], 15)
    # 31 October 2021 is the day clocks go back: 12:00 in Paris is 11:00 UTC (it was 10:00 UTC the day before)
    assert call.closes_at == datetime(2021, 10, 31, 11, 0, tzinfo=timezone.utc)
    assert call.opens_at == datetime(2021, 9, 1, 7, 0, tzinfo=timezone.utc)
    assert [(s.name, s.envelope) for s in call.strands] == [("Création", Decimal("40000")), ("Coopération", None)]
    assert call.required_attachments == [{"key": "statuts-signes", "label": "Statuts signés"},
                                         {"key": "dernier-bilan", "label": "Dernier bilan"}]
    assert call.eligible_legal_forms == ["association", "scic"] and call.max_share_percent == Decimal("70")


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "Ce champ est obligatoire."),
    ({"closes_on": "2021-08-01"}, "La clôture doit venir après l'ouverture."),
    ({"min_amount": "20000"}, "Le maximum ne peut pas être inférieur au minimum."),
    ({"max_amount": "200000"}, "Le maximum par dossier dépasse l'enveloppe totale."),
    ({"strands-1-envelope": "90000"}, "Les enveloppes des volets dépassent l'enveloppe totale."),
    ({"strands-1-name": ""}, None),
    ({"strands-1-name": "", "strands-1-envelope": "1000"}, "Donnez un nom à chaque volet qui a une enveloppe."),
    ({"max_share_percent": "150"}, "Saisissez un pourcentage entre 1 et 100."),
    ({"total_envelope": "-5"}, "Saisissez un montant positif."),
    ({"min_age_years": "5", "max_age_years": "2"}, "L'ancienneté maximale ne peut pas être inférieure à la minimale."),
])
def test_bad_call_settings_are_refused_next_to_the_field(client, login_as, changes, message):
    login_as("admin")
    response = create(client, **changes)
    if message is None:
        assert response.status_code == 302 and [s.name for s in only_call().strands] == ["Création"]
    else:
        assert response.status_code == 400 and message in response.page
        assert db.session.execute(db.select(Call)).first() is None


def test_publish_close_reopen_archive(client, login_as):
    login_as("admin")
    create(client, closes_on="2031-10-31", opens_on="2021-09-01")
    call = only_call()
    assert client.post(f"/admin/appels/{call.id}/etat/close", follow_redirects=True).status_code == 200
    assert call.state == "draft"
    client.post(f"/admin/appels/{call.id}/ouvrir")
    db.session.refresh(call)
    assert call.state == "published" and call.workflow_version.name == "plaine-commune"
    for action, state in (("close", "closed"), ("reopen", "published"), ("close", "closed"), ("archive", "archived")):
        client.post(f"/admin/appels/{call.id}/etat/{action}")
        db.session.refresh(call)
        assert call.state == state
    refused = client.post(f"/admin/appels/{call.id}/etat/close", follow_redirects=True)
    assert "Cette action n'est pas possible pour un appel dans cet état." in refused.page
    assert client.post(f"/admin/appels/{call.id}/etat/explode").status_code == 404


def test_the_workflow_cannot_change_once_published(client, login_as):
    login_as("admin")
    create(client, closes_on="2031-10-31")
    call = only_call()
    client.post(f"/admin/appels/{call.id}/ouvrir")
    client.post(f"/admin/appels/{call.id}/modifier", data={**FORM, "closes_on": "2031-11-30",
                                                            "workflow_name": "deux-temps"})
    db.session.refresh(call)
    assert call.workflow_name == "plaine-commune" and call.closing_day() == date(2031, 11, 30)


def test_a_strand_chosen_by_dossiers_cannot_be_removed(client, login_as):
    admin = login_as("admin")
    create(client, closes_on="2031-10-31")
    call = only_call()
    client.post(f"/admin/appels/{call.id}/ouvrir")
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder])
    factories.make_dossier(call, organisation, holder, strand_id=call.strands[1].id)
    client.login(admin)
    response = client.post(f"/admin/appels/{call.id}/modifier", data={**FORM, "strands-1-name": ""})
    assert response.status_code == 400 and "Un volet retiré est déjà choisi par des dossiers" in response.page
    db.session.refresh(call)
    assert len(call.strands) == 2


def test_the_deadline_is_honoured_to_the_minute_across_daylight_saving(session):
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder])
    call = factories.make_open_call(opens_at=datetime(2021, 9, 1, 7, tzinfo=timezone.utc),
                                    closes_at=datetime(2021, 10, 31, 11, tzinfo=timezone.utc))
    on_time = factories.make_dossier(call, organisation, holder)
    late = factories.make_dossier(call, organisation, holder)
    with time_machine.travel(datetime(2021, 10, 31, 10, 59, 59, tzinfo=timezone.utc), tick=False):
        engine.apply_transition(on_time.id, "submit", holder)  # 11:59:59 in Paris
        db.session.commit()
    with time_machine.travel(datetime(2021, 10, 31, 11, 0, tzinfo=timezone.utc), tick=False):
        with pytest.raises(engine.TransitionRefused, match="la date limite de dépôt est passée"):
            engine.apply_transition(late.id, "submit", holder)  # 12:00 in Paris: too late
    db.session.rollback()
    assert (on_time.state, db.session.get(Dossier, late.id).state) == ("submitted", "draft")


def test_published_calls_are_on_the_home_page_with_their_deadline(client):
    open_call = factories.make_open_call(title="Appel ouvert", closes_at=utcnow() + timedelta(days=5, hours=1))
    factories.make_call(title="Appel en préparation", state="draft")
    home = client.get("/").page
    assert "Appel ouvert (2026)" in home and "Appel en préparation" not in home
    assert "dans 5 jours" in home
    assert client.get(f"/appels/{open_call.id}").status_code == 200
    draft = db.session.execute(db.select(Call).where(Call.state == "draft")).scalar_one()
    assert client.get(f"/appels/{draft.id}").status_code == 404


def test_call_description_is_markdown_without_html(client):
    call = factories.make_open_call(description="## Objet\n<script>alert(1)</script> [x](javascript:alert(1))")
    page = client.get(f"/appels/{call.id}").text
    assert "<h2>Objet</h2>" in page and "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page
