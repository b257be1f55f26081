"""The scoring grid editor, the review form with its error summary, and the review panel, checked by axe."""
import itertools

import pytest

from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.review.models import PoolMember
from aap.workflow import engine
from tests import factories
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.audit()


def test_grid_editor_review_form_and_panel_are_accessible(page, live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.make_open_call(title=f"Appel relectures {suffix}")
        admin = factories.make_user(email=f"admin.grille{suffix}@example.org", roles=("admin",), totp=True)
        reviewer = factories.make_user(email=f"relectrice{suffix}@example.org", roles=("reviewer",), call=call,
                                       totp=True, full_name="Claire Relectrice")
        holder = factories.make_user()
        dossier = factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
        engine.apply_transition(dossier.id, "submit", holder)
        db.session.add_all([Assignment(dossier_id=dossier.id, user_id=reviewer.id),
                            PoolMember(call_id=call.id, user_id=reviewer.id, group="banks")])
        db.session.commit()
        call_id, dossier_id = call.id, dossier.id
        admin_login, reviewer_login = (admin.email, admin.totp_secret), (reviewer.email, reviewer.totp_secret)

    sign_in(page, *admin_login)
    page.goto(f"/instruction/appels/{call_id}/grille")
    page.audit()
    page.locator("#criteria-0-weight").fill("0")
    page.get_by_role("button", name="Publier la grille").click()
    page.audit()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "Le poids du critère « Utilité sociale » doit être un nombre strictement positif" in summary.inner_text()
    page.locator("#criteria-0-weight").fill("3")
    page.get_by_role("button", name="Publier la grille").click()
    page.audit()
    assert page.get_by_text("La grille est publiée (version 1).").is_visible()
    sign_out(page)

    sign_in(page, *reviewer_login)
    page.goto(f"/dossiers/{dossier_id}")
    page.audit()
    page.get_by_role("link", name="Commencer ma relecture").click()
    page.audit()
    page.get_by_label("Utilité sociale").fill("9")
    page.get_by_role("button", name="Soumettre").click()
    page.audit()
    summary = page.locator(".error-summary")
    assert "« Utilité sociale » : la note doit être comprise entre 0 et 5 (reçu : 9)." in summary.inner_text()
    assert "Choisissez un avis" in summary.inner_text()
    for label, score in (("Utilité sociale", "4"), ("Ancrage territorial", "3"), ("Gouvernance démocratique", "5"),
                         ("Viabilité économique", "2"), ("Coopération", "n/a")):
        page.get_by_label(label).fill(score)
    page.get_by_label("Commentaire pour le comité").fill("Projet solide.")
    page.get_by_label("Favorable", exact=True).check()
    page.get_by_role("button", name="Soumettre").click()
    page.audit()
    assert page.get_by_text("Votre relecture est soumise.").is_visible()
    panel = page.locator("section[aria-labelledby=review-title]")
    assert "Claire Relectrice" in panel.inner_text() and "Banques et finance" in panel.inner_text()
    assert "Projet solide." in panel.inner_text()
