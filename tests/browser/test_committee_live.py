"""The live meeting in three browsers under the site's own CSP, with axe on every page: the chair opens the session
and steps through the agenda, the two members' pages follow by themselves, the member in conflict on the first item
sees only that they are recused, the votes are counted, and what the chair is typing survives the updates."""
import itertools
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from aap.committee.models import Vote
from aap.extensions import db
from tests import factories
from tests.browser.test_workflow import sign_in
from tests.committee import live_world

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)
#: seconds a member's page may take to follow the chair (it polls every 2.5 s)
FOLLOW_SECONDS = 8


@pytest.fixture
def meeting(live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.make_open_call(title=f"Appel ESS séance en direct {suffix}", total_envelope=Decimal("30000"))
        creation = live_world.strand(call, "Création", Decimal("20000"))
        holder = factories.make_user(email=f"porteuse.direct{suffix}@example.org")
        first = live_world.submitted_dossier(call, holder, f"Ressourcerie du Canal {suffix}", Decimal("12000"), creation)
        second = live_world.submitted_dossier(call, holder, f"Café des Six Routes {suffix}", Decimal("15000"), creation)
        nadia = live_world.member(call, name="Nadia Réseau", email=f"nadia.direct{suffix}@example.org")
        bruno = live_world.member(call, name="Bruno Banque", email=f"bruno.direct{suffix}@example.org")
        live_world.conflict(bruno, first)
        session = live_world.session_of(call, [nadia, bruno], quorum=2, title=f"Comité de projets {suffix}")
        items = live_world.agenda(session, [first, second])
        chair = factories.make_user(email=f"presidente.direct{suffix}@example.org", roles=("admin",), totp=True,
                                    full_name="Ada Présidente")
        return {"url": f"/comite/seances/{session.id}/direct", "items": [item.id for item in items],
                "titles": [first.title, second.title], "references": [first.reference, second.reference],
                "logins": {key: (person.email, person.totp_secret)
                           for key, person in (("chair", chair), ("nadia", nadia), ("bruno", bruno))}}


def join(open_page, meeting, who):
    page = open_page()
    sign_in(page, *meeting["logins"][who])
    page.goto(meeting["url"])
    acted(page)
    return page


def acted(page):
    """After the person's own click: axe on the page loaded, and a mark that a later load would wipe out."""
    page.audit()
    page.evaluate("window.sameDocument = true")


def followed(page, text):
    """The page shows `text` in its live region without having been loaded again, and passes axe."""
    expect(page.locator("#seance")).to_contain_text(text, timeout=FOLLOW_SECONDS * 1000)
    assert page.evaluate("window.sameDocument === true"), "the page was loaded again instead of following"
    page.audit()


def votes_on(live_app, item_id) -> list[str]:
    with live_app.app_context():
        return sorted(db.session.execute(db.select(Vote.choice).where(Vote.item_id == item_id)).scalars())


def test_the_members_pages_follow_the_chair_and_the_recused_member_sees_nothing_of_the_dossier(
        browsers, live_app, meeting):
    nadia, bruno = join(browsers, meeting, "nadia"), join(browsers, meeting, "bruno")
    for page in (nadia, bruno):
        assert page.get_by_text("La séance n'est pas encore ouverte : le premier dossier").is_visible()
        expect(page.locator("#live-follow-text")).to_have_text(re.compile("Cette page suit la séance toute seule"))

    chair = join(browsers, meeting, "chair")
    chair.get_by_role("button", name="Ouvrir la séance").click()
    acted(chair)
    assert chair.get_by_text("La séance est ouverte ; vous la présidez.").is_visible()
    chair.get_by_role("button", name="Point suivant").click()
    acted(chair)
    first, second = meeting["titles"]

    followed(nadia, first)
    expect(nadia.locator("#live-announce")).to_contain_text(f"Point 1 sur 2 : {meeting['references'][0]}")
    followed(bruno, "Vous êtes déporté·e pour ce dossier.")
    expect(bruno.locator("#live-announce")).to_contain_text("Vous êtes déporté·e pour ce dossier.")
    for secret in (first, meeting["references"][0], "12\u202f000", "Structure Ressourcerie"):
        assert secret not in bruno.content(), secret
    assert bruno.get_by_role("button", name="Favorable", exact=True).count() == 0

    nadia.get_by_role("button", name="Favorable", exact=True).click()
    acted(nadia)
    assert nadia.get_by_text("Vous avez voté : favorable.").is_visible()
    followed(chair, "1 vote exprimé sur 1 membre pouvant voter.")
    assert votes_on(live_app, meeting["items"][0]) == ["favorable"]

    chair.get_by_role("button", name="Point suivant").click()
    acted(chair)
    followed(bruno, second)
    followed(nadia, second)
    chair.get_by_label("Notes du comité").fill("Projet à suivre de près.")  # typed while the votes come in
    bruno.get_by_role("button", name="Défavorable").click()
    acted(bruno)
    nadia.get_by_role("button", name="Abstention").click()
    acted(nadia)
    followed(chair, "2 votes exprimés sur 2 membres pouvant voter.")
    assert chair.get_by_label("Notes du comité").input_value() == "Projet à suivre de près."
    assert votes_on(live_app, meeting["items"][1]) == ["abstention", "defavorable"]

    chair.get_by_label("Avis défavorable").check()
    chair.get_by_role("button", name="Enregistrer l'avis du comité").click()
    acted(chair)
    assert chair.get_by_text("Avis du comité enregistré.").is_visible()
    followed(bruno, "Avis défavorable")
    followed(nadia, "Projet à suivre de près.")
