"""Co-funders: seated by administrators with their envelope and deciders, each deciding its own share."""
from decimal import Decimal

from aap.decisions.models import Decision, EnvelopeChange, Funder
from aap.extensions import db
from tests import factories
from tests.decisions.world import admin, cofunder, deciding_call, eur, posted, waiting_dossier


def test_an_administrator_seats_a_cofunder_with_its_envelope_and_the_people_who_decide_for_it(client):
    call, person = deciding_call(), admin()
    region = factories.make_user(email="region.funders@example.org", totp=True, full_name="Rémi Région")
    client.login(person)
    page = client.post(f"/decisions/appels/{call.id}/cofinanceurs", follow_redirects=True,
                       data={"name": "Région Île-de-France", "envelope": "30 000"})
    assert "Région Île-de-France est cofinanceur de l'appel" in page.page and eur("30000") in page.page
    funder = db.session.execute(db.select(Funder).where(Funder.call_id == call.id)).scalar_one()
    change = db.session.execute(db.select(EnvelopeChange).where(EnvelopeChange.funder_id == funder.id)).scalar_one()
    assert change.new == Decimal("30000") and change.previous is None
    twice = client.post(f"/decisions/appels/{call.id}/cofinanceurs", data={"name": "région île-de-france"})
    assert twice.status_code == 400 and "est déjà un cofinanceur de cet appel" in twice.page
    unnamed = client.post(f"/decisions/appels/{call.id}/cofinanceurs", data={"name": "  "})
    assert unnamed.status_code == 400 and "Saisissez le nom du cofinanceur." in unnamed.page

    unknown = client.post(f"/decisions/appels/{call.id}/cofinanceurs/{funder.id}/decideurs",
                          data={f"f{funder.id}-email": "personne@example.org"})
    assert unknown.status_code == 400 and "Aucun compte actif n'a cette adresse" in unknown.page
    seated = client.post(f"/decisions/appels/{call.id}/cofinanceurs/{funder.id}/decideurs", follow_redirects=True,
                         data={f"f{funder.id}-email": "Region.Funders@example.org"})
    assert "Rémi Région décide désormais pour Région Île-de-France" in seated.page
    db.session.refresh(region)
    assert region.has_role("funder", call.id)

    seat = funder.deciders[0]
    client.post(f"/decisions/appels/{call.id}/cofinanceurs/{funder.id}/decideurs/{seat.id}/retirer")
    db.session.refresh(region)
    assert not region.has_role("funder", call.id)  # the seat gave the role: it leaves with it


def test_a_cofunder_decides_its_share_on_its_own_envelope_without_moving_the_dossier(client):
    call = deciding_call()
    decider = factories.make_user(email="departement.funders@example.org", totp=True)
    funder = cofunder(call, "Département de la Seine-Saint-Denis", "5000", deciders=[decider])
    dossier = waiting_dossier(call)
    client.login(decider)
    assert client.get(f"/decisions/dossiers/{dossier.id}").status_code == 404  # the authority's is not theirs
    assert client.get(f"/decisions/appels/{call.id}/enveloppes").status_code == 404
    beyond = client.post(f"/decisions/dossiers/{dossier.id}?financeur={funder.id}", data=posted("6000"))
    assert beyond.status_code == 400 and "dépasse ce qui reste de Département de la Seine-Saint-Denis" in beyond.page
    response = client.post(f"/decisions/dossiers/{dossier.id}?financeur={funder.id}", data=posted("4000"))
    assert response.status_code == 302
    client.post(f"/decisions/appels/{call.id}/publier?financeur={funder.id}", data={"confirm": "y"})
    decision = db.session.execute(db.select(Decision).where(Decision.dossier_id == dossier.id)).scalar_one()
    assert decision.funder_id == funder.id and decision.released_at is not None
    db.session.refresh(dossier)
    assert dossier.state == "committee_opinion"  # the authority's decision moves the workflow, not a co-funder's
    board = client.get(f"/decisions/appels/{call.id}?financeur={funder.id}")
    assert board.status_code == 200 and eur("1000") in board.page  # what its envelope has left


def test_a_cofunder_grants_at_most_what_the_budget_leaves_after_the_others(client):
    call, person = deciding_call(), admin()
    funder = cofunder(call, "France Active", "100000")
    dossier = waiting_dossier(call)  # a 40,000 € project asking 10,000 € of the call
    client.login(person)
    client.post(f"/decisions/dossiers/{dossier.id}", data=posted("10000"))
    refused = client.post(f"/decisions/dossiers/{dossier.id}?financeur={funder.id}", data=posted("35000"))
    assert refused.status_code == 400
    assert "dépasse ce que le budget du projet laisse une fois comptées les autres aides (" + eur("30000") + ")" \
        in refused.page
    assert client.post(f"/decisions/dossiers/{dossier.id}?financeur={funder.id}", data=posted("30000")).status_code \
        == 302
    page = client.get(f"/dossiers/{dossier.id}")
    assert "Plan de financement" in page.page and eur("40000") in page.page and "Reste à financer" in page.page


def test_an_unknown_or_another_calls_funder_is_not_found(client):
    call, other_call, person = deciding_call(), deciding_call(), admin()
    elsewhere = cofunder(other_call, "Banque des Territoires")
    dossier = waiting_dossier(call)
    client.login(person)
    assert client.get(f"/decisions/dossiers/{dossier.id}?financeur={elsewhere.id}").status_code == 404
    assert client.get(f"/decisions/dossiers/{dossier.id}?financeur=abc").status_code == 404
    assert client.get(f"/decisions/dossiers/{dossier.id}?financeur=99999999999").status_code == 404


def test_a_cofunder_with_decisions_stays_and_one_without_is_removed(client):
    call, person = deciding_call(), admin()
    used, unused = cofunder(call, "Région"), cofunder(call, "Département", "1000")
    dossier = waiting_dossier(call)
    client.login(person)
    client.post(f"/decisions/dossiers/{dossier.id}?financeur={used.id}", data=posted("2000"))
    kept = client.post(f"/decisions/appels/{call.id}/cofinanceurs/{used.id}/supprimer", follow_redirects=True)
    assert "Région a déjà des décisions sur cet appel" in kept.page
    client.post(f"/decisions/appels/{call.id}/cofinanceurs/{unused.id}/supprimer")
    names = db.session.execute(db.select(Funder.name).where(Funder.call_id == call.id)).scalars().all()
    assert names == ["Région"]


def test_the_export_gives_each_instrument_as_itself_and_a_cofunders_decider_only_their_own(client):
    from io import BytesIO

    from openpyxl import load_workbook

    call, person = deciding_call(), admin()
    decider = factories.make_user(email="banque.export@example.org", totp=True)
    bank = cofunder(call, "Banque des Territoires", "50000", deciders=[decider])
    scic = waiting_dossier(call, legal_form="scic", requested="20000")
    client.login(person)
    client.post(f"/decisions/dossiers/{scic.id}", data=posted(instrument="equity", shares="40", share_value="250"))
    client.post(f"/decisions/dossiers/{scic.id}?financeur={bank.id}", data=posted(
        "6000", instrument="repayable_advance", repayments="30/06/2028 3000\n30/06/2029 3000", motivation="=HYPERLINK()"))
    sheet = load_workbook(BytesIO(client.get(f"/decisions/appels/{call.id}/decisions.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:10] == ("Dossier", "Projet", "Structure", "SIRET", "Forme juridique", "Volet", "Financeur",
                            "Décision", "Instrument", "Montant")
    authority, region = rows[1], rows[2]
    assert authority[6] == "Plaine Commune" and authority[8] == "Prise de participation au capital"
    assert authority[9] == 10000 and authority[11] == 40 and authority[18] == "préparée"
    assert region[6] == "Banque des Territoires" and region[8] == "Avance remboursable"
    assert region[13] == "2028-06-30 3000 ; 2029-06-30 3000" and region[14] == "=HYPERLINK()"
    assert sheet.cell(row=3, column=15).data_type == "s"  # text, never a formula
    client.login(decider)
    text = client.get(f"/decisions/appels/{call.id}/decisions.csv").data.decode("utf-8-sig")
    assert "Banque des Territoires" in text and "Prise de participation" not in text
    assert client.get(f"/decisions/appels/{call.id}", follow_redirects=False).location.endswith(
        f"/decisions/appels/{call.id}?financeur={bank.id}")
