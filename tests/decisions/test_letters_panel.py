"""The dossier page lists the decisions' letters and agreements its reader may see, at a constant cost."""
from datetime import date

from aap.decisions.grant_models import Agreement
from aap.extensions import db
from tests.decisions.documents_world import co_funder, granted, make_decision


def test_the_holder_finds_the_letters_and_the_agreement_of_released_decisions_only(client, session):
    world = granted("30000")
    funder = co_funder(world.call)
    staged = make_decision(world.dossier, "8000", funder=funder, released=False, tranches=())
    db.session.add(Agreement(decision_id=world.decision.id, text="# Convention", generated_at=world.decision.decided_at,
                             signed_on=date(2026, 3, 30)))
    db.session.commit()
    client.login(world.holder)
    page = client.get(f"/dossiers/{world.dossier.id}").page
    assert "Courriers de décision et conventions" in page
    assert f'href="/decisions/{world.decision.id}/lettre.pdf"' in page
    assert f'href="/decisions/{world.decision.id}/convention"' in page and "signée le 30/03/2026" in page
    assert f"/decisions/{staged.id}/" not in page and "Département" not in page
    client.login(world.admin)
    page = client.get(f"/dossiers/{world.dossier.id}").page
    assert f'href="/decisions/{staged.id}/lettre.pdf"' in page and "décision non publiée" in page
    assert "Projet de courrier (PDF)" in page


def test_nothing_is_shown_without_a_decision_one_sees(client, session):
    world = granted("30000", released=False)
    client.login(world.holder)
    assert "Courriers de décision" not in client.get(f"/dossiers/{world.dossier.id}").page


def test_the_panel_costs_the_same_queries_with_two_or_six_co_funders(client, session, count_queries):
    counts = []
    for funders in (2, 6):
        world = granted("30000")
        for number in range(funders):
            make_decision(world.dossier, "1000", funder=co_funder(world.call, name=f"Financeur {number}"), tranches=())
        client.login(world.admin)
        client.get(f"/dossiers/{world.dossier.id}")
        with count_queries() as counted:
            assert client.get(f"/dossiers/{world.dossier.id}").page.count("/lettre.pdf") == funders + 1
        counts.append(counted.n)
    assert counts[0] == counts[1]
