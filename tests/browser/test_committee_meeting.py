"""A whole committee meeting in four browsers, axe on every page: the chair and three members, one in conflict with
the first dossier; two items with votes; the envelope tracker follows the recommendation; on the second item the
members score in session and the call's ranking moves."""
import itertools
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from aap.extensions import db
from aap.review.models import ReviewStanding
from tests import factories
from tests.browser.test_committee_live import acted, followed, join
from tests.committee import live_world
from tests.committee.agenda_world import ready_dossier

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)
SCORES = {"Utilité sociale": "5", "Ancrage territorial": "5", "Gouvernance démocratique": "4",
          "Viabilité économique": "5"}


@pytest.fixture
def meeting(live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        call = factories.make_open_call(title=f"Appel ESS comité complet {suffix}", total_envelope=Decimal("40000"),
                                        scores_in_session=True)
        creation = live_world.strand(call, "Création", Decimal("25000"))
        holder = factories.make_user(email=f"porteuse.comite{suffix}@example.org")
        first = live_world.submitted_dossier(call, holder, f"Ressourcerie du Canal {suffix}", Decimal("12000"), creation)
        second = live_world.submitted_dossier(call, holder, f"Café des Six Routes {suffix}", Decimal("15000"), creation)
        ready_dossier(call, creation, "55", title=f"Atelier vélo {suffix}", state="in_review")  # ranked, not discussed
        db.session.add(ReviewStanding(dossier_id=first.id, call_id=call.id, reviews=2, scored=2, score=Decimal("70"),
                                      updated_at=first.created_at))
        db.session.commit()
        people = {name: live_world.member(call, name=full, email=f"{name}.comite{suffix}@example.org")
                  for name, full in (("nadia", "Nadia Réseau"), ("bruno", "Bruno Banque"), ("chloe", "Chloé Région"))}
        live_world.conflict(people["bruno"], first)
        session = live_world.session_of(call, list(people.values()), quorum=2, title=f"Comité complet {suffix}")
        live_world.agenda(session, [first, second])
        chair = factories.make_user(email=f"president.comite{suffix}@example.org", roles=("admin",), totp=True,
                                    full_name="Ada Présidente")
        logins = {key: (person.email, person.totp_secret) for key, person in (("chair", chair), *people.items())}
        return {"url": f"/comite/seances/{session.id}/direct", "session": session.id, "call": call.id,
                "titles": [first.title, second.title, f"Atelier vélo {suffix}"],
                "references": [first.reference, second.reference], "logins": logins}


def ranking_order(page, meeting) -> list[str]:
    page.goto(f"/instruction/appels/{meeting['call']}/classement")
    page.audit()
    rows = page.get_by_role("table").first.get_by_role("row").all()[1:]
    text = [row.inner_text() for row in rows]
    return [title for line in text for title in meeting["titles"] if title in line]


def score_in_session(page, meeting):
    page.get_by_role("link", name="Noter ce dossier sur la grille de l'appel").click()
    page.audit()
    for label, value in SCORES.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Enregistrer ma note").click()
    acted(page)
    assert page.get_by_text("Votre note pour", exact=False).is_visible()


def test_a_committee_meeting_from_the_first_item_to_the_ranking_scored_in_session(browsers, live_app, meeting):
    members = {name: join(browsers, meeting, name) for name in ("nadia", "bruno", "chloe")}
    chair = join(browsers, meeting, "chair")
    assert ranking_order(chair, meeting) == [meeting["titles"][0], meeting["titles"][2], meeting["titles"][1]]
    chair.goto(meeting["url"])
    acted(chair)
    chair.get_by_role("button", name="Ouvrir la séance").click()
    acted(chair)
    chair.get_by_role("button", name="Point suivant").click()
    acted(chair)

    first, second = meeting["titles"][:2]
    followed(members["nadia"], first)
    followed(members["chloe"], first)
    followed(members["bruno"], "Vous êtes déporté·e pour ce dossier.")
    for name in ("nadia", "chloe"):
        members[name].get_by_role("button", name="Favorable", exact=True).click()
        acted(members[name])
    followed(chair, "2 votes exprimés sur 2 membres pouvant voter.")
    chair.get_by_role("radio", name="Avis favorable").check()
    chair.get_by_label("Montant proposé (en euros)").fill("10000")
    chair.get_by_role("button", name="Enregistrer l'avis du comité").click()
    acted(chair)

    chair.get_by_role("link", name="Suivi de l'enveloppe").click()
    chair.audit()
    summary = chair.get_by_role("table", name="Par volet et au total, en euros").inner_text()
    assert "10\u202f000" in summary and "15\u202f000" in summary  # proposed, and what remains of the 25,000
    chair.goto(meeting["url"])
    acted(chair)

    chair.get_by_role("button", name="Point suivant").click()
    acted(chair)
    for page in members.values():
        followed(page, second)
    for name in ("nadia", "bruno", "chloe"):
        score_in_session(members[name], meeting)
        members[name].get_by_role("button", name="Favorable", exact=True).click()
        acted(members[name])
    followed(chair, "3 votes exprimés sur 3 membres pouvant voter.")
    expect(chair.locator("#seance")).to_contain_text("sur 100", timeout=8000)

    assert ranking_order(chair, meeting) == [second, first, meeting["titles"][2]]  # scored in session: first now
    for secret in (first, meeting["references"][0]):
        assert secret not in members["bruno"].content()
