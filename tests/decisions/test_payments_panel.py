"""The holder reads their schedule on their dossier once the decision is released: amounts, what triggers each
payment, the due date, paid or not. Nothing shows before the release, and the page's queries do not grow."""
from datetime import date

import time_machine

from aap.decisions.grant_models import PaymentTranche
from aap.extensions import db
from tests import factories
from tests.decisions import payments_world
from tests.decisions.payments_world import give_bank_details, words

TODAY = "2026-05-11 10:00:00+00:00"


def dossier_page(client, world) -> str:
    answer = client.get(f"/dossiers/{world.dossier.id}")
    assert answer.status_code == 200
    return answer.page


@time_machine.travel(TODAY, tick=False)
def test_the_holder_reads_the_schedule_on_the_dossier_page(client):
    world = payments_world.world()
    advance = db.session.execute(db.select(PaymentTranche).where(PaymentTranche.position == 1)).scalar_one()
    advance.paid_on = date(2026, 4, 2)
    db.session.commit()
    client.login(world.holder)
    page = dossier_page(client, world)
    section = words(page[page.index('id="payments-title"'):])
    assert "Versements" in section and "Échéancier : 20 000 € accordés" in section
    assert "Acompte 70 % 14 000 € à la notification 01/05/2026 Versée le 02/04/2026" in section
    assert "Solde 30 % 6 000 € après le compte-rendu financier fixée quand elle sera déclenchée Pas encore due" in section
    assert "Saisissez les coordonnées bancaires de la structure" in section
    assert "M-2026" not in section and "Enregistrer un versement" not in section
    give_bank_details(world.organisation, world.holder)
    assert "Saisissez les coordonnées bancaires" not in dossier_page(client, world)


@time_machine.travel(TODAY, tick=False)
def test_an_overdue_tranche_says_how_late_it_is(client):
    world = payments_world.world()
    client.login(world.holder)
    assert "En retard de 10 jours" in words(dossier_page(client, world))


@time_machine.travel(TODAY, tick=False)
def test_nothing_shows_before_the_release(client):
    world = payments_world.world(released_at=None, planned=False)
    client.login(world.holder)
    assert 'id="payments-title"' not in dossier_page(client, world)
    client.login(world.admin)
    assert 'id="payments-title"' not in dossier_page(client, world)


@time_machine.travel(TODAY, tick=False)
def test_staff_who_pay_are_shown_the_way_to_record_a_payment(client):
    world = payments_world.world()
    client.login(world.admin)
    assert "Enregistrer un versement, modifier l'échéancier" in dossier_page(client, world)
    client.login(world.instructor)
    page = dossier_page(client, world)
    assert "Détail des versements" in page and "Enregistrer un versement" not in page
    reviewer = factories.make_user(roles=("reviewer",), call=world.call, totp=True)
    client.login(reviewer)
    assert client.get(f"/dossiers/{world.dossier.id}").status_code == 404  # not assigned: never told it exists


@time_machine.travel(TODAY, tick=False)
def test_the_dossier_page_costs_the_same_queries_with_more_tranches(client, count_queries):
    world = payments_world.world()
    client.login(world.holder)
    dossier_page(client, world)
    with count_queries() as two:
        dossier_page(client, world)
    for position in range(3, 9):
        db.session.add(PaymentTranche(decision_id=world.decision.id, position=position, label=f"Tranche {position}",
                                      share_percent=1, amount=100, trigger="report"))
    db.session.commit()
    with count_queries() as eight:
        dossier_page(client, world)
    assert eight.n == two.n


@time_machine.travel(TODAY, tick=False)
def test_the_panel_costs_the_same_queries_with_more_co_funders(client, count_queries):
    from aap.decisions.payments_plan import plan_tranches
    from tests.decisions.payments_world import co_funder, decision_on

    counts = []
    for funders in (1, 4):
        world = payments_world.world()
        decider = factories.make_user(roles=("funder",), call=world.call, totp=True)
        for number in range(funders):
            funder = co_funder(world.call, name=f"Financeur {number}", deciders=[decider])
            plan_tranches(decision_on(world.dossier, amount="2000", funder=funder), payments_world.RELEASED_AT)
        db.session.commit()
        client.login(decider)
        dossier_page(client, world)
        with count_queries() as counted:
            assert words(dossier_page(client, world)).count("Aide de Financeur") == funders
        counts.append(counted.n)
    assert counts[0] == counts[1]
