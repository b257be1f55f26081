"""The dossier page in a browser: the diagram, the actions with their reasons, a refusal, and axe."""
import itertools
import re

import pyotp
import pytest

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


def sign_in(page, email, secret=None):
    page.goto("/connexion")
    page.audit()
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.audit()
    if secret:
        page.get_by_label("Code à 6 chiffres").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Valider").click()
        page.audit()


@pytest.fixture
def dossiers(live_app):
    """The live database is shared by the browser tests: each test gets its own people."""
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.make_open_call(title="Appel ESS navigateur")
        holder = factories.make_user(email=f"porteuse{suffix}@example.org")
        instructor = factories.make_user(email=f"instructrice{suffix}@example.org", roles=("instructor",),
                                         totp=True)
        organisation = factories.make_organisation(members=[holder], name="Recyclerie de Stains")
        incomplete = factories.make_dossier(call, organisation, holder, complete=False, title="Recyclerie")
        complete = factories.make_dossier(call, organisation, holder, title="Café associatif")
        return {"incomplete": incomplete.id, "complete": complete.id, "secret": instructor.totp_secret,
                "holder": holder.email, "instructor": instructor.email}


def test_holder_sees_the_diagram_and_why_an_action_is_blocked(page, dossiers):
    sign_in(page, dossiers["holder"])
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes dossiers").click()
    page.audit()
    page.get_by_role("link", name="Recyclerie").click()
    page.audit()
    diagram_name = re.compile("^Schéma du cycle de traitement .* — état actuel : Brouillon$")
    assert page.get_by_role("img", name=diagram_name).is_visible()
    actions = page.get_by_role("region", name="Actions possibles")
    assert "Pas encore possible : Le dossier est incomplet : description du projet, montant demandé manquants." \
        in actions.inner_text()
    page.get_by_text("Toutes les étapes et les actions, en texte").click()
    assert page.get_by_role("table", name=re.compile("États du cycle de traitement")).is_visible()
    page.audit()


def test_holder_submits_and_the_instructor_must_explain_a_request(page, dossiers):
    sign_in(page, dossiers["holder"])
    page.goto(f"/dossiers/{dossiers['complete']}")
    page.audit()
    page.get_by_role("button", name="Déposer le dossier").click()
    page.audit()
    assert "« Déposer le dossier » : c'est fait." in page.get_by_role("status").inner_text()
    assert page.locator(".state-badge").inner_text().endswith("Déposé")
    page.get_by_role("button", name="Se déconnecter").click()
    page.audit()

    sign_in(page, dossiers["instructor"], dossiers["secret"])
    page.goto(f"/dossiers/{dossiers['complete']}")
    page.audit()
    form = page.get_by_role("form", name="Demander des compléments")
    form.get_by_role("button", name="Demander des compléments").click()
    page.audit()
    assert "Un commentaire est obligatoire pour cette action." in page.get_by_role("alert").inner_text()
    form = page.get_by_role("form", name="Demander des compléments")
    form.get_by_label(re.compile("^Commentaire")).fill("Merci de joindre le budget prévisionnel.")
    form.get_by_role("button", name="Demander des compléments").click()
    page.audit()
    assert page.locator(".state-badge").inner_text().endswith("Compléments demandés")
    history = page.get_by_role("region", name="Historique")
    assert "Merci de joindre le budget prévisionnel." in history.inner_text()
