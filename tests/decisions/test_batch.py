"""A whole session decided in one form, all or nothing; the board's and the hub's queries do not grow with rows."""
from decimal import Decimal

from aap.committee.models import CLOSED, FAVORABLE, POSTPONED, UNFAVORABLE, AgendaItem, CommitteeSession
from aap.core.models import utcnow
from aap.decisions.models import Decision
from aap.extensions import db
from tests.decisions.world import admin, deciding_call, waiting_dossier


def closed_session(call, dossiers, recommendations) -> CommitteeSession:
    now = utcnow()
    session = CommitteeSession(call_id=call.id, title="Comité de juin", starts_at=now, ends_at=now, quorum=1,
                               state=CLOSED)
    db.session.add(session)
    db.session.flush()
    for position, (dossier, (recommendation, amount, notes)) in enumerate(zip(dossiers, recommendations), start=1):
        db.session.add(AgendaItem(session_id=session.id, dossier_id=dossier.id, position=position,
                                  recommendation=recommendation, notes=notes,
                                  amount=Decimal(amount) if amount else None))
    db.session.commit()
    return session


def staged(call):
    return list(db.session.execute(db.select(Decision).order_by(Decision.dossier_id)).scalars())


def form(session, rows, reference="DEL-2026-201", day="20/06/2026"):
    data = {"deliberation_reference": reference, "deliberation_date": day}
    for item, (outcome, amount, motivation) in zip(session.items, rows):
        data.update({f"outcome-{item.id}": outcome, f"amount-{item.id}": amount, f"motivation-{item.id}": motivation})
    return data


def test_the_form_takes_up_each_recommendation_and_stages_them_all_with_one_deliberation(client):
    call, person = deciding_call(), admin()
    dossiers = [waiting_dossier(call) for _ in range(3)]
    session = closed_session(call, dossiers, [(FAVORABLE, "7000", ""), (UNFAVORABLE, None, "Hors du territoire"),
                                              (POSTPONED, None, "Budget à consolider")])
    client.login(person)
    page = client.get(f"/decisions/seances/{session.id}")
    assert page.status_code == 200 and 'value="7 000"' in page.text and "Hors du territoire" in page.page
    response = client.post(f"/decisions/seances/{session.id}", data=form(session, [
        ("granted", "7000", ""), ("refused", "", "Hors du territoire"), ("postponed", "", "Budget à consolider")]))
    assert response.status_code == 302
    decisions = staged(call)
    assert [d.outcome for d in decisions] == ["granted", "refused", "postponed"]
    assert {d.deliberation_reference for d in decisions} == {"DEL-2026-201"}
    assert all(d.session_id == session.id and d.released_at is None for d in decisions)


def test_one_bad_row_keeps_every_row_out_and_says_which(client):
    call, person = deciding_call(), admin()
    dossiers = [waiting_dossier(call) for _ in range(2)]
    session = closed_session(call, dossiers, [(FAVORABLE, "7000", ""), (FAVORABLE, "9000", "")])
    client.login(person)
    response = client.post(f"/decisions/seances/{session.id}", data=form(session, [
        ("granted", "7000", ""), ("granted", "90000", "")]))
    assert response.status_code == 400 and "Aucune décision n'a été enregistrée" in response.page
    assert f"{dossiers[1].reference} : " in response.page and "dépasse le montant demandé" in response.page
    assert 'value="90000"' in response.text  # what was typed stays
    assert staged(call) == []
    missing = client.post(f"/decisions/seances/{session.id}", data=form(session, [("granted", "7000", "")] * 2,
                                                                        reference=""))
    assert missing.status_code == 400 and "référence de la délibération" in missing.page and staged(call) == []


def test_rows_left_undecided_and_dossiers_past_the_decision_are_skipped(client):
    call, person = deciding_call(), admin()
    waiting, moved = waiting_dossier(call), waiting_dossier(call, state="granted")
    session = closed_session(call, [waiting, moved], [(FAVORABLE, "5000", ""), (FAVORABLE, "5000", "")])
    client.login(person)
    page = client.get(f"/decisions/seances/{session.id}")
    assert "à l'étape « Accordé »" in page.page
    client.post(f"/decisions/seances/{session.id}", data=form(session, [("", "5000", ""), ("granted", "5000", "")]))
    assert staged(call) == []


def test_the_board_and_the_hub_cost_the_same_queries_for_3_and_30_dossiers(client, count_queries):
    call, person = deciding_call(total="1000000", strands=(("Création", None),)), admin()
    client.login(person)

    def costs():
        with count_queries() as board:
            assert client.get(f"/decisions/appels/{call.id}").status_code == 200
        with count_queries() as hub:
            assert client.get("/decisions").status_code == 200
        return board.n, hub.n

    for _ in range(3):
        dossier = waiting_dossier(call)
        client.post(f"/decisions/dossiers/{dossier.id}", data={
            "outcome": "granted", "instrument": "grant", "amount": "1000", "deliberation_reference": "DEL-1",
            "deliberation_date": "01/06/2026"})
    few = costs()
    for _ in range(27):
        waiting_dossier(call)
    assert costs() == few
