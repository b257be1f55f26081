"""The reviewer pool, the preferences, the conflicts and « Mes relectures » in a browser, each page checked by axe."""
import itertools
from datetime import timedelta

import pytest

from aap.core.models import utcnow
from aap.dossiers.reviewers import Assignment
from aap.extensions import db
from aap.review.models import PoolMember
from aap.workflow import engine
from tests import factories
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


def _world(suffix):
    admin = factories.make_user(email=f"admin.pool{suffix}@example.org", roles=("admin",), totp=True)
    call = factories.make_open_call(title=f"Appel relecture {suffix}")
    reviewer = factories.make_user(email=f"rose.relectrice{suffix}@example.org", full_name="Rose Relectrice",
                                   roles=("reviewer",), call=call, totp=True)
    db.session.add(PoolMember(call_id=call.id, user_id=reviewer.id, group="networks", strand_ids=[],
                              non_neutral_communes=[]))
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder], name=f"Ressourcerie {suffix}")
    dossiers = []
    for title, days in (("Atelier vélo", -1), ("Cantine solidaire", 6)):
        dossier = factories.make_dossier(call, organisation, holder, title=title)
        engine.apply_transition(dossier.id, "submit", holder)
        db.session.add(Assignment(dossier_id=dossier.id, user_id=reviewer.id, due_at=utcnow() + timedelta(days=days)))
        dossiers.append(dossier)
    db.session.commit()
    return admin, reviewer, call, dossiers


def test_staff_manage_the_pool_and_conflicts(page, live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        admin, _reviewer, call, _dossiers = _world(suffix)
        email, secret, call_id = admin.email, admin.totp_secret, call.id
    sign_in(page, email, secret)
    page.get_by_role("link", name="Instruction", exact=True).click()
    page.audit()
    page.get_by_role("link", name=f"Relecteurs — Appel relecture {suffix}").first.click()
    page.audit()
    assert page.get_by_role("heading", name="Têtes de réseau").is_visible()
    page.get_by_label("Adresse e-mail (obligatoire)").fill(f"banquier{suffix}@example.org")
    page.get_by_label("Groupe de parties prenantes").select_option("banks")
    page.get_by_role("button", name="Inviter").click()
    page.audit()
    assert page.get_by_text(f"Invitation envoyée à banquier{suffix}@example.org").is_visible()
    assert page.get_by_role("heading", name="Banques et finance").is_visible()
    page.get_by_role("link", name="Modifier ou retirer Rose Relectrice").click()
    page.audit()
    page.goto(f"/instruction/appels/{call_id}/conflits")
    page.audit()
    page.get_by_role("button", name="Enregistrer le conflit").click()
    page.audit()
    assert page.get_by_text("Ce champ est obligatoire.").first.is_visible()


def test_reviewer_pages(page, live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        _admin, reviewer, call, dossiers = _world(suffix)
        email, secret, call_id, reference = reviewer.email, reviewer.totp_secret, call.id, dossiers[0].reference
        assignment_id = db.session.execute(db.select(Assignment.id).where(
            Assignment.dossier_id == dossiers[1].id)).scalar_one()
    sign_in(page, email, secret)
    page.get_by_role("link", name="Mes relectures").click()
    page.audit()
    assert page.get_by_text("En retard", exact=True).is_visible()
    page.get_by_role("link", name="mes préférences").click()
    page.audit()
    page.get_by_label("Saint-Denis", exact=True).check()
    page.get_by_role("button", name="Enregistrer").click()
    page.audit()
    assert page.get_by_label("Saint-Denis", exact=True).is_checked()
    page.get_by_role("link", name="Déclarer un conflit d'intérêts sur un dossier de cet appel").click()
    page.audit()
    page.get_by_label("Référence, titre ou structure").fill("vélo")
    page.get_by_role("button", name="Filtrer").click()
    page.audit()
    page.get_by_role("link", name=f"Déclarer — {reference}").click()
    page.audit()
    page.get_by_label("Autre").check()
    page.get_by_role("button", name="Déclarer le conflit d'intérêts").click()
    page.audit()
    assert page.get_by_text("Précisez la nature du conflit d'intérêts.").first.is_visible()
    page.get_by_label("Précisions").fill("Ancienne bénévole de la structure")
    page.get_by_role("button", name="Déclarer le conflit d'intérêts").click()
    page.audit()
    assert page.get_by_text("vous êtes déporté·e pour ce dossier").first.is_visible()
    page.goto(f"/relectures/{assignment_id}/decliner")
    page.audit()
    page.get_by_label("Motif").fill("Indisponible en novembre")
    page.get_by_role("button", name="Décliner la relecture").click()
    page.audit()
    assert page.get_by_text("Relecture déclinée.").is_visible()
    assert call_id
