"""Editing a decision's schedule before its first payment: shares adding up to 100 %, triggers, number of tranches."""
from datetime import date
from decimal import Decimal

import pytest

from aap.decisions.grant_models import PaymentTranche
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow.models import AuditRecord
from tests import factories
from tests.decisions import payments_world
from tests.decisions.payments_world import plain


def url(world) -> str:
    return f"/decisions/dossiers/{world.dossier.id}/versements/{world.decision.id}/echeancier"


def lines(*rows) -> dict:
    form = {}
    for index, (label, share, trigger) in enumerate(rows):
        form.update({f"lines-{index}-label": label, f"lines-{index}-share_percent": share,
                     f"lines-{index}-trigger": trigger})
    return form


def shape(world) -> list[tuple]:
    db.session.expire_all()
    return [(t.position, t.label, t.share_percent, t.amount, t.trigger, t.due_on) for t in db.session.execute(
        db.select(PaymentTranche).where(PaymentTranche.decision_id == world.decision.id)
        .order_by(PaymentTranche.position)).scalars()]


def test_the_form_starts_from_the_saved_schedule_with_room_for_two_more(client):
    world = payments_world.world()
    client.login(world.admin)
    page = client.get(url(world)).text
    assert 'name="lines-0-label" type="text" value="Acompte"' in page and 'value="70.00"' in page
    assert 'name="lines-3-label"' in page and 'name="lines-4-label"' not in page


def test_staff_who_pay_split_it_in_three_and_amounts_and_due_dates_follow(client):
    world = payments_world.world(amount="20000")
    client.login(world.admin)
    answer = client.post(url(world), data=lines(("Premier acompte", "40", "notification"),
                                                ("Deuxième acompte", "33,33", "notification"),
                                                ("Solde", "26.67", "report"), ("", "", "notification")))
    assert answer.status_code == 302
    assert shape(world) == [
        (1, "Premier acompte", Decimal("40.00"), Decimal("8000.00"), "notification", date(2026, 5, 1)),
        (2, "Deuxième acompte", Decimal("33.33"), Decimal("6666.00"), "notification", date(2026, 5, 1)),
        (3, "Solde", Decimal("26.67"), Decimal("5334.00"), "report", None)]
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.transition == "payment_schedule_changed")
                                ).scalar_one()
    assert record.actor_id == world.admin.id and "Premier acompte 40 % (à la notification)" in record.comment
    assert db.session.get(Dossier, world.dossier.id).audit_head == record.hash


@pytest.mark.parametrize("rows, message", [
    ([("Acompte", "70", "notification"), ("Solde", "20", "report")],
     "Les parts font 90 % en tout : elles doivent faire 100 % exactement."),
    ([("Acompte", "70", "notification"), ("Solde", "30.5", "report")],
     "Les parts font 100,5 % en tout : elles doivent faire 100 % exactement."),
    ([("Acompte", "0", "notification"), ("Solde", "100", "report")],
     "La part de « Acompte » doit être un pourcentage positif, au plus 100, avec au plus deux décimales."),
    ([("Acompte", "70.001", "notification"), ("Solde", "29.999", "report")],
     "La part de « Acompte » doit être un pourcentage positif, au plus 100, avec au plus deux décimales."),
    ([("", "70", "notification"), ("Solde", "30", "report")],
     "Chaque tranche a un nom, de 120 caractères au plus (par exemple « Acompte »)."),
    ([("Acompte", "70", "à la saint-glinglin"), ("Solde", "30", "report")],
     "Choisissez ce qui déclenche « Acompte » parmi les choix proposés."),
    ([("", "", "notification")], "Gardez au moins une tranche."),
])
def test_a_wrong_schedule_is_refused_with_its_reason_and_nothing_changes(client, rows, message):
    world = payments_world.world()
    client.login(world.admin)
    before = shape(world)
    answer = client.post(url(world), data=lines(*rows))
    assert answer.status_code == 400 and message in plain(answer.page)
    assert shape(world) == before
    assert f'value="{rows[0][1]}"' in answer.text  # what was typed is shown again


def test_a_share_that_is_not_a_number_is_told_on_its_field(client):
    world = payments_world.world()
    client.login(world.admin)
    before = shape(world)
    answer = client.post(url(world), data=lines(("Acompte", "soixante-dix", "notification"), ("Solde", "30", "report")))
    assert answer.status_code == 400 and "Saisissez un nombre" in answer.page and shape(world) == before


def test_above_the_threshold_no_tranche_is_paid_at_the_notification(client):
    world = payments_world.world(amount="40000")
    client.login(world.admin)
    before = shape(world)
    answer = client.post(url(world), data=lines(("Acompte", "50", "notification"), ("Solde", "50", "report")))
    assert answer.status_code == 400 and "Au-delà de 23 000 €, aucun versement avant la signature de la convention : " \
                                         "« Acompte » ne peut pas se verser dès la notification." in plain(answer.page)
    assert shape(world) == before


def test_after_the_first_payment_the_schedule_no_longer_changes(client):
    world = payments_world.world()
    advance = db.session.execute(db.select(PaymentTranche).where(PaymentTranche.position == 1)).scalar_one()
    advance.paid_on = date(2026, 4, 2)
    db.session.commit()
    client.login(world.admin)
    page = client.get(url(world)).page
    assert "Un versement est déjà enregistré sur cette décision : son échéancier ne se modifie plus." in page
    assert 'name="lines-0-label"' not in page
    before = shape(world)
    answer = client.post(url(world), data=lines(("Tout", "100", "notification")))
    assert answer.status_code == 409 and shape(world) == before
    assert "Modifier l'échéancier" not in client.get(f"/decisions/dossiers/{world.dossier.id}/versements").page


def test_only_those_who_pay_edit_it(client):
    world = payments_world.world()
    for person, status in ((world.instructor, 403), (world.holder, 403), (factories.make_user(), 404)):
        client.login(person)
        assert client.get(url(world)).status_code == status
        assert client.post(url(world), data=lines(("Tout", "100", "notification"))).status_code == status
    client.login(world.admin)
    other = payments_world.world()
    assert client.get(f"/decisions/dossiers/{world.dossier.id}/versements/{other.decision.id}/echeancier"
                      ).status_code == 404
    assert len(shape(world)) == 2
