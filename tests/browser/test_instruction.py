"""The instruction in a browser, with axe: the eligibility checklist, an internal note, and an information
request as the holder reads it."""
import itertools
import re

import pytest

from aap.extensions import db
from aap.workflow import engine
from tests import factories
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)
ITEMS = ["La structure relève de l'ESS", "Le siège est sur le territoire", "Le budget est équilibré"]


@pytest.fixture
def instruction(live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.make_open_call(title=f"Appel ESS instruction {suffix}", eligibility_checklist=ITEMS)
        holder = factories.make_user(email=f"porteur-instruction{suffix}@example.org")
        instructor = factories.make_user(email=f"instructeur-instruction{suffix}@example.org",
                                         full_name="Inès Tructrice", roles=("instructor",), totp=True)
        organisation = factories.make_organisation(members=[holder], name="Épicerie de Villetaneuse")
        dossier = factories.make_dossier(call, organisation, holder, title="Épicerie solidaire")
        engine.apply_transition(dossier.id, "submit", holder)
        db.session.commit()
        return {"dossier": dossier.id, "holder": holder.email, "instructor": instructor.email,
                "secret": instructor.totp_secret}


def test_the_instructor_ticks_the_checklist_then_the_holder_reads_the_request(page, instruction):
    sign_in(page, instruction["instructor"], instruction["secret"])
    page.goto(f"/dossiers/{instruction['dossier']}")
    page.audit()
    checklist = page.get_by_role("region", name="Recevabilité")
    for item in ITEMS[:2]:
        checklist.get_by_label(item).check()
    checklist.get_by_role("button", name="Enregistrer la recevabilité").click()
    page.audit()
    assert "La recevabilité est enregistrée." in page.get_by_role("status").inner_text()
    checklist = page.get_by_role("region", name="Recevabilité")
    assert checklist.get_by_label(ITEMS[0]).is_checked() and not checklist.get_by_label(ITEMS[2]).is_checked()
    assert "coché par Inès Tructrice" in checklist.inner_text()
    actions = page.get_by_role("region", name="Actions possibles")
    assert "Un point de recevabilité n'est pas coché : Le budget est équilibré." in actions.inner_text()

    notes = page.get_by_role("region", name=re.compile("^Notes internes"))
    notes.get_by_label(re.compile("^Nouvelle note interne")).fill("Budget : appeler la trésorière.")
    notes.get_by_role("button", name="Enregistrer la note").click()
    page.audit()
    assert "Budget : appeler la trésorière." in page.get_by_role("region", name=re.compile("^Notes internes")).inner_text()
    assert "Posez ici vos questions" not in page.get_by_role("region", name="Échanges avec la structure").inner_text()

    form = page.get_by_role("form", name="Demander des compléments")
    form.get_by_label(re.compile("^Commentaire")).fill("Merci de joindre un budget équilibré.")
    form.get_by_role("button", name="Demander des compléments").click()
    page.audit()
    page.get_by_role("button", name="Se déconnecter").click()
    page.audit()

    sign_in(page, instruction["holder"])
    page.goto(f"/dossiers/{instruction['dossier']}")
    page.audit()
    assert "L'équipe d'instruction vous demande des compléments." in page.locator(".checklist").inner_text()
    assert "Le dossier est complet : vous pouvez le déposer." not in page.content()
    thread = page.get_by_role("region", name="Échanges avec l'équipe d'instruction")
    text = thread.inner_text()
    assert "Demande de compléments" in text and "Merci de joindre un budget équilibré." in text
    assert "À fournir avant le" in text and "l'état « Classé sans suite »" in text
    assert page.get_by_role("region", name=re.compile("^Notes internes")).count() == 0
    assert page.get_by_role("region", name="Recevabilité").count() == 0
    page.get_by_role("link", name="Lire sa demande dans les échanges").click()
    page.audit()
