"""The committee's recommendation, recorded by the chair on the current item: amounts, adjournments, envelopes."""
import re
from decimal import Decimal

import pytest

from aap.committee.live_operations import RECOMMENDATION_RECORDED
from aap.committee.models import CLOSED, FAVORABLE, PLANNED, AgendaItem
from aap.dossiers.timeline import timeline
from aap.extensions import db
from aap.workflow.models import AuditRecord
from tests.committee import live_world


@pytest.fixture
def world(session):
    return live_world.opened(live_world.meeting_world(), item=0)


def recommend(client, world, item, **data):
    return client.post(f"{world.url}/points/{item.id}/avis", data=data)


def stored(item) -> tuple:
    db.session.refresh(item)
    return item.recommendation, item.amount, item.postponed_to, item.notes


def records(dossier) -> list[AuditRecord]:
    return list(db.session.execute(db.select(AuditRecord).where(
        AuditRecord.dossier_id == dossier.id, AuditRecord.transition == RECOMMENDATION_RECORDED)
        .order_by(AuditRecord.sequence)).scalars())


def test_a_favorable_recommendation_needs_an_amount_within_the_requested_one_and_keeps_what_was_typed(client, world):
    client.login(world.admin)
    missing = recommend(client, world, world.items[0], recommendation="favorable", notes="Projet solide.")
    assert missing.status_code == 400
    assert "Indiquez le montant proposé par le comité pour un avis favorable." in missing.page
    assert "Projet solide.</textarea>" in missing.page
    assert '<input checked id="recommendation-0" name="recommendation" required type="radio" value="favorable">' \
        in missing.page
    zero = recommend(client, world, world.items[0], recommendation="favorable", amount="0", notes="Projet solide.")
    assert "Le montant proposé doit être supérieur à 0 €." in zero.page
    above = recommend(client, world, world.items[0], recommendation="favorable", amount="12500", notes="Projet solide.")
    assert above.status_code == 400
    assert "Le montant proposé (12\u202f500\u00a0€) dépasse le montant demandé par le dossier (12\u202f000\u00a0€) : " \
           "saisissez au plus 12\u202f000\u00a0€." in above.page
    assert 'value="12500"' in above.page
    nonsense = recommend(client, world, world.items[0], recommendation="favorable", amount="beaucoup")
    assert "Saisissez un nombre, par exemple 12500 ou 12500,50." in nonsense.page
    assert stored(world.items[0]) == (None, None, "", "")
    assert records(world.dossiers[0]) == []

    saved = recommend(client, world, world.items[0], recommendation="favorable", amount="12000", notes="Projet solide.")
    assert saved.status_code == 303
    assert stored(world.items[0]) == (FAVORABLE, Decimal("12000"), "", "Projet solide.")
    assert world.items[0].recorded_by_id == world.admin.id and world.items[0].recorded_at is not None


def test_an_adjournment_says_when_the_dossier_comes_back_and_an_unfavorable_one_keeps_no_amount(client, world):
    client.login(world.admin)
    missing = recommend(client, world, world.items[0], recommendation="ajourne", postponed_to="  ", amount="5000")
    assert missing.status_code == 400
    assert "Indiquez à quelle séance ou édition le dossier est reporté." in missing.page
    assert recommend(client, world, world.items[0], recommendation="ajourne", postponed_to="Séance de juin",
                     amount="5000").status_code == 303
    assert stored(world.items[0]) == ("ajourne", None, "Séance de juin", "")
    assert recommend(client, world, world.items[0], recommendation="defavorable", amount="5000",
                     postponed_to="Séance de juin", notes="Hors du champ de l'ESS.").status_code == 303
    assert stored(world.items[0]) == ("defavorable", None, "", "Hors du champ de l'ESS.")
    none = recommend(client, world, world.items[0], notes="Sans avis")
    assert "Choisissez l'avis du comité : favorable, défavorable ou ajourné." in none.page
    forged = recommend(client, world, world.items[0], recommendation="accorde")
    assert forged.status_code == 400


def test_recording_again_replaces_the_recommendation_and_the_dossier_s_history_keeps_both(client, world):
    client.login(world.admin)
    recommend(client, world, world.items[0], recommendation="favorable", amount="10000")
    recommend(client, world, world.items[0], recommendation="ajourne", postponed_to="Édition 2027", notes="À revoir.")
    first, second = records(world.dossiers[0])
    assert (first.holder_visible, second.holder_visible) == (False, False)
    assert first.payload["recommendation"] == "favorable" and first.payload["amount"] == "10000.00"
    assert first.payload["replaces"] is None and first.comment == "Avis favorable"
    assert second.payload["replaces"] == {"recommendation": "favorable", "amount": "10000.00", "postponed_to": ""}
    assert second.comment == "Ajourné, reporté à : Édition 2027\n\nÀ revoir."
    assert second.payload["session_id"] == world.meeting.id and second.actor_id == world.admin.id
    entries = timeline(world.dossiers[0], world.admin)
    assert [entry.label for entry in entries[:2]] == ["Avis du comité enregistré en séance"] * 2
    assert [entry.label for entry in timeline(world.dossiers[0], world.holder)][0] != \
        "Avis du comité enregistré en séance"


def test_an_amount_beyond_the_envelope_left_is_a_warning_the_chair_confirms(client, world):
    other = live_world.session_of(world.call, world.members, state=CLOSED)
    earlier = live_world.agenda(other, [world.dossiers[1]])[0]
    earlier.recommendation, earlier.amount = FAVORABLE, Decimal("9000")
    planned = live_world.session_of(world.call, world.members, state=PLANNED)
    ignored = live_world.agenda(planned, [world.dossiers[1]])[0]
    ignored.recommendation, ignored.amount = FAVORABLE, Decimal("15000")  # not a session held: not counted
    db.session.commit()
    client.login(world.admin)
    page = client.get(world.url + "/direct")
    assert "Reste de l'enveloppe du volet : 11\u202f000\u00a0€. Reste de l'enveloppe de l'appel : 21\u202f000\u00a0€." \
        in re.sub(r"[ \n]+", " ", page.page)
    warned = recommend(client, world, world.items[0], recommendation="favorable", amount="12000", notes="Gardé.")
    assert warned.status_code == 409
    assert "Ce montant (12\u202f000\u00a0€) dépasse ce qui reste de l'enveloppe du volet « Création » : " \
           "11\u202f000\u00a0€ sur 20\u202f000\u00a0€. Cochez la case pour confirmer ce montant malgré tout." \
           in warned.page
    assert "enveloppe totale" not in warned.page
    assert 'id="over_envelope"' in warned.page and "Gardé.</textarea>" in warned.page and 'value="12000"' in warned.page
    assert stored(world.items[0])[0] is None
    confirmed = recommend(client, world, world.items[0], recommendation="favorable", amount="12000", notes="Gardé.",
                          over_envelope="y")
    assert confirmed.status_code == 303
    assert stored(world.items[0]) == (FAVORABLE, Decimal("12000"), "", "Gardé.")
    # the item's own amount is not counted against itself when recorded again
    assert recommend(client, world, world.items[0], recommendation="favorable", amount="11000").status_code == 303


def test_the_call_s_total_envelope_is_kept_to_as_well(client, world):
    world.call.total_envelope = Decimal("10000")
    db.session.commit()
    client.login(world.admin)
    client.post(f"{world.url}/points/{world.items[2].id}/ouvrir", data={"shown_item": world.items[0].id})
    recommend(client, world, world.items[2], recommendation="favorable", amount="8000")
    client.post(f"{world.url}/points/{world.items[0].id}/ouvrir", data={"shown_item": world.items[2].id})
    warned = recommend(client, world, world.items[0], recommendation="favorable", amount="5000")
    assert warned.status_code == 409
    assert "Ce montant (5\u202f000\u00a0€) dépasse ce qui reste de l'enveloppe totale de l'appel : 2\u202f000\u00a0€ " \
           "sur 10\u202f000\u00a0€." in warned.page
    assert "volet « Création »" not in warned.page  # 5,000 of the strand's 20,000 are left


def test_only_the_chair_records_and_only_for_the_current_item_while_the_session_is_open(client, world):
    client.login(world.instructor)
    refused = client.post(f"{world.url}/points/{world.items[0].id}/avis", data={"recommendation": "defavorable"},
                          follow_redirects=True)
    assert "C'est Ada Présidente qui préside la séance" in refused.page
    client.login(world.admin)
    other = recommend(client, world, world.items[1], recommendation="defavorable")
    assert other.status_code == 400
    assert "L'avis s'enregistre sur le point en cours : ce dossier ne l'est plus. Rien n'a été enregistré." in other.page
    world.meeting.state = CLOSED
    db.session.commit()
    closed = client.post(f"{world.url}/points/{world.items[0].id}/avis", data={"recommendation": "defavorable"})
    assert "La séance est close." in closed.page
    assert db.session.execute(db.select(AgendaItem.recommendation).where(
        AgendaItem.recommendation.is_not(None))).first() is None


def test_a_chair_recused_on_the_item_does_not_record_its_recommendation(client, world):
    client.login(world.admin)
    client.post(world.url + "/presidence", data={"next_chair": world.members[1].id})
    client.login(world.members[1])
    page = client.get(world.url + "/direct")
    assert "passez la présidence à une autre personne le temps de ce point" in page.page
    assert "Ressourcerie du Canal" not in page.page
    refused = recommend(client, world, world.items[0], recommendation="defavorable")
    assert "Vous êtes déporté·e pour ce dossier. Passez la présidence à une autre personne le temps de ce point." \
        in refused.page
    assert stored(world.items[0])[0] is None
