"""A committee session in a browser: planned, convened, attendance recorded, each page checked by axe."""
import itertools

import pytest

from aap.extensions import db
from aap.review.models import PoolMember
from tests import factories
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


def _world(suffix):
    staff = factories.make_user(email=f"instructrice.seance{suffix}@example.org", roles=("instructor",), totp=True)
    call = factories.make_open_call(title=f"Appel comité {suffix}")
    members = []
    for name, group in (("Awa Réseau", "networks"), ("Bruno Banque", "banks"), ("Chloé Élue", "elected")):
        member = factories.make_user(email=f"{name.split()[0].lower()}.seance{suffix}@example.org", full_name=name,
                                     roles=("reviewer",), call=call, totp=True)
        db.session.add(PoolMember(call_id=call.id, user_id=member.id, group=group, strand_ids=[],
                                  non_neutral_communes=[]))
        members.append(member)
    db.session.commit()
    return staff, call


def test_staff_plan_convene_and_take_attendance(page, live_app, live_worker):
    suffix = next(COUNTER)
    with live_app.app_context():
        staff, call = _world(suffix)
        email, secret, title = staff.email, staff.totp_secret, call.title
    sign_in(page, email, secret)
    page.get_by_role("link", name="Instruction", exact=True).click()
    page.audit()
    page.get_by_role("link", name=f"Comité de projets — {title}").first.click()
    page.audit()
    page.get_by_role("link", name="Planifier une séance").click()
    page.audit()
    page.get_by_label("Titre de la séance (obligatoire)").fill("Comité de printemps")
    page.get_by_label("Date de la séance (obligatoire)").fill("2027-01-14")
    page.get_by_label("Heure de début (heure de Paris) (obligatoire)").fill("14:30")
    page.get_by_label("Heure de fin (heure de Paris) (obligatoire)").fill("14:00")
    page.get_by_label("Lien de visioconférence").fill("http://visio.example.org/comite")
    page.get_by_label("Awa Réseau").check()
    page.get_by_label("Bruno Banque").check()
    page.get_by_label("Chloé Élue").check()
    page.get_by_role("button", name="Créer la séance").click()
    page.audit()
    assert page.get_by_text("Le formulaire contient 2 erreurs").is_visible()
    assert page.get_by_text("La fin doit venir après le début de la séance.").first.is_visible()
    assert page.get_by_label("Awa Réseau").is_checked()  # nothing typed is lost
    page.get_by_label("Heure de fin (heure de Paris) (obligatoire)").fill("17:00")
    page.get_by_label("Lien de visioconférence").fill("https://visio.example.org/comite")
    page.get_by_role("button", name="Créer la séance").click()
    page.audit()
    assert page.get_by_text("Prochaine étape : convoquer les membres.").is_visible()
    page.get_by_role("button", name="Convoquer").click()
    page.audit()
    assert page.get_by_text("Convocation envoyée à 3 membres").is_visible()
    page.get_by_role("button", name="Convoquer à nouveau").click()
    page.audit()
    assert page.get_by_text("Convocation déjà envoyée le").is_visible()
    page.get_by_role("link", name="Présences").click()
    page.audit()
    page.get_by_role("group", name="Awa Réseau").get_by_label("Présent·e en salle").check()
    page.get_by_role("group", name="Bruno Banque").get_by_label("Présent·e à distance").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    page.audit()
    assert page.get_by_text("2 membres présents sur 3, quorum : 2 — le quorum est atteint").is_visible()
    page.get_by_role("link", name="Comité de printemps").click()
    page.audit()
    live_worker.drain()
