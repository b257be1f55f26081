"""The chair writes the minutes of a closed session, previews them, locks them, then opens a correction; the
earlier version stays readable with its notice, and the PDF downloads. axe checks each page."""
import pytest

from aap.extensions import db
from tests.browser.test_workflow import sign_in
from tests.committee.minutes_world import meeting

pytestmark = pytest.mark.browser


@pytest.fixture
def closed_session(live_app):
    with live_app.app_context():
        world = meeting(suffix="-pv-navigateur")
        chair = world["chair"]
        db.session.commit()
        return {"id": world["session"].id, "chair": (chair.email, chair.totp_secret)}


def test_the_chair_writes_previews_locks_and_corrects_the_minutes(page, closed_session):
    sign_in(page, *closed_session["chair"])
    page.goto(f"/comite/seances/{closed_session['id']}/proces-verbal")
    page.audit()
    document = page.get_by_role("region", name="Le procès-verbal", exact=True)
    assert "Avis favorable — 8 000 €" in document.inner_text().replace("\u202f", " ").replace("\xa0", " ")
    page.get_by_label("Introduction et observations").fill("La séance est ouverte à 14 h.")
    page.get_by_role("button", name="Prévisualiser").click()
    page.audit()
    assert "rien n'est encore enregistré" in page.get_by_role("status").first.inner_text()
    assert "La séance est ouverte à 14 h." in page.get_by_role("region", name="Aperçu du procès-verbal").inner_text()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.audit()
    page.get_by_role("button", name="Verrouiller la version 1").click()
    page.audit()
    assert "Cochez la case pour confirmer" in page.get_by_role("alert").inner_text()
    page.get_by_label("J'ai relu le procès-verbal").check()
    page.get_by_role("button", name="Verrouiller la version 1").click()
    page.audit()
    assert "La version 1 du procès-verbal est verrouillée" in page.get_by_role("status").first.inner_text()
    assert page.get_by_text("Empreinte SHA-256 :").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la version 1 (PDF)").click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    page.get_by_role("button", name="Créer la version 2").click()
    page.audit()
    assert page.get_by_label("Introduction et observations").input_value() == "La séance est ouverte à 14 h."
    page.get_by_role("link", name="Version 1", exact=True).click()
    page.audit()
    assert "Cette version a été remplacée par la version 2." in page.get_by_role("main").inner_text()
