"""The assignment page in a browser: run, progress, preview, confirm; axe on every page."""
import itertools

import pytest

from aap.extensions import db
from aap.review.models import PoolMember
from tests import factories
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


def test_an_instructor_runs_previews_and_confirms_the_assignment(page, live_app, live_worker):
    suffix = next(COUNTER)
    with live_app.app_context():
        instructor = factories.make_user(email=f"instructrice.affectation{suffix}@example.org",
                                         roles=("instructor",), totp=True)
        call = factories.make_open_call(title=f"Appel affectation {suffix}", reviews_per_dossier=2,
                                        groups_per_dossier=2)
        holder = factories.make_user()
        organisation = factories.make_organisation(members=[holder])
        for _ in range(2):
            dossier = factories.make_dossier(call, organisation, holder)
            dossier.reference, dossier.state = f"B{suffix}-{dossier.id}", "submitted"
        for group, name in (("networks", "Nadia Réseau"), ("banks", "Bruno Banque"), ("elected", "Élise Élue")):
            reviewer = factories.make_user(roles=("reviewer",), call=call, totp=True, full_name=name)
            db.session.add(PoolMember(call_id=call.id, user_id=reviewer.id, group=group))
        db.session.commit()
        email, secret, call_id = instructor.email, instructor.totp_secret, call.id
    sign_in(page, email, secret)
    page.goto(f"/dossiers?appel={call_id}")
    page.audit()
    page.get_by_role("link", name="Affectation des relecteur·rices").click()
    page.audit()
    assert page.get_by_text("Aucune affectation automatique n'a encore été calculée pour cet appel.").is_visible()
    page.get_by_role("button", name="Lancer l'affectation automatique").click()
    page.audit()
    status = page.locator("#run-status")
    assert "Calcul demandé le" in status.inner_text()
    assert page.get_by_role("link", name="Arrêter le rechargement automatique").is_visible()
    page.get_by_role("link", name="Arrêter le rechargement automatique").click()
    page.audit()
    live_worker.drain()
    page.goto(f"/instruction/appels/{call_id}/affectation")
    page.audit()
    assert page.get_by_role("heading", name="Proposition à confirmer").is_visible()
    assert page.get_by_text("Cette répartition est prouvée optimale.").is_visible()
    page.get_by_role("button", name="Confirmer les 4 affectations et prévenir les relecteur·rices").click()
    page.audit()
    assert page.get_by_text("4 affectations créées").is_visible()
    assert "La dernière proposition a été confirmée le" in page.locator("#run-status").inner_text()
