"""The instruction pages in a browser: the calls, then a call's dossiers filtered and sorted, each checked by axe."""
import itertools
from decimal import Decimal

import pytest

from aap.core.models import utcnow
from aap.dossiers.reviewers import Assignment, Conflict
from aap.extensions import db
from aap.review.models import SUBMITTED, Review
from aap.review.standings import rebuild_standings
from aap.workflow import engine
from tests import factories
from tests.browser.test_workflow import sign_in
from tests.review.instruction_world import grid_of

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


@pytest.fixture
def instructed_call(live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.make_open_call(title=f"Appel instruction {suffix}")
        instructor = factories.make_user(email=f"instructeur.liste{suffix}@example.org", roles=("instructor",), totp=True)
        holder = factories.make_user()
        reviewers = [factories.make_user(roles=("reviewer",), call=call, totp=True, full_name=f"Relectrice {n}")
                     for n in range(2)]
        grid = grid_of(call)
        titles = {}
        for title, commune, scores in (("Ressourcerie", "93066", ("85", "30")), ("Jardin partagé", "93001", ("60",)),
                                       ("Café des parents", "93027", ())):
            organisation = factories.make_organisation(members=[holder], commune_insee=commune)
            dossier = factories.make_dossier(call, organisation, holder, title=title)
            engine.apply_transition(dossier.id, "submit", holder)
            for reviewer, score in zip(reviewers, scores, strict=False):
                db.session.add(Assignment(dossier_id=dossier.id, user_id=reviewer.id, state="done"))
                db.session.add(Review(dossier_id=dossier.id, user_id=reviewer.id, grid_version_id=grid.id,
                                      state=SUBMITTED, weighted_score=Decimal(score), submitted_at=utcnow()))
            titles[title] = dossier.id
        db.session.add(Conflict(dossier_id=titles["Jardin partagé"], user_id=reviewers[1].id, kind="other",
                                details="Ancienne salariée", declared_at=utcnow()))
        rebuild_standings(call.id, utcnow())
        db.session.commit()
        return {"call": call.id, "title": call.title, "email": instructor.email, "secret": instructor.totp_secret,
                "ids": titles}


def test_the_instructor_filters_sorts_and_opens_a_dossier(page, instructed_call):
    sign_in(page, instructed_call["email"], instructed_call["secret"])
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Instruction", exact=True).click()
    page.audit()
    page.get_by_role("link", name=f"{instructed_call['title']} (2026)", exact=True).click()
    page.audit()
    assert page.get_by_text("3 dossiers déposés.").is_visible()
    table = page.get_by_role("table", name="Dossiers de l'appel, page 1 sur 1")
    assert "Divergent" in table.get_by_role("row", name="Ressourcerie").inner_text()

    page.get_by_label("Commune").select_option("93066")
    page.get_by_label("Relectures divergentes seulement").check()
    page.get_by_role("button", name="Filtrer").click()
    page.audit()
    assert page.get_by_text("1 dossier correspond à ces filtres.").is_visible()
    assert "commune=93066" in page.url and "divergents=1" in page.url
    page.get_by_role("link", name="Effacer les filtres").click()
    page.audit()

    page.get_by_label("Note moyenne d'au moins").fill("70")
    page.get_by_label("Note moyenne d'au plus").fill("deux")
    page.get_by_role("button", name="Filtrer").click()
    page.audit()
    assert page.get_by_text("Note maximale : saisissez une note entre 0 et 100").is_visible()
    assert page.get_by_label("Note moyenne d'au plus").input_value() == "deux"  # nothing typed is lost

    page.get_by_role("link", name="Effacer les filtres").click()
    page.get_by_role("link", name="Note moyenne").click()
    page.audit()
    page.get_by_role("link", name="Note moyenne").click()  # downwards: the best first
    page.audit()
    rows = page.get_by_role("table").get_by_role("row").all()[1:]
    assert [row.get_by_role("rowheader").inner_text() for row in rows] == \
        ["Jardin partagé", "Ressourcerie", "Café des parents"]
    page.get_by_label("Conflits d'intérêts").select_option("avec")
    page.get_by_role("button", name="Filtrer").click()
    page.audit()
    page.get_by_role("link", name="Jardin partagé").click()
    page.audit()
    assert page.url.endswith(f"/dossiers/{instructed_call['ids']['Jardin partagé']}")
