"""The envelope tracker: per strand and in total, what was proposed and what remains, and a trial amount."""
from decimal import Decimal

import pytest

from aap.committee.models import CLOSED, FAVORABLE, POSTPONED, UNFAVORABLE, AgendaItem
from aap.committee.tracker import TrackedDossier, Trial, track_session, track_strand
from aap.extensions import db
from tests import factories
from tests.committee.agenda_world import make_session, put_on_agenda, ready_dossier, strands_of

D = Decimal


def dossier(item, score, requested, recommendation=None, amount=None, strand=1):
    return TrackedDossier(item, item, f"AAP-{item:03d}", f"Projet {item}", strand, D(requested),
                          None if score is None else D(score), recommendation, None if amount is None else D(amount))


def test_decided_dossiers_cost_their_recommendation_and_the_others_what_they_asked_best_first():
    tracker = track_strand(1, D("30000"), D("5000"), [
        dossier(1, "60", "10000"), dossier(2, "90", "12000"), dossier(3, "70", "9000", FAVORABLE, "8000"),
        dossier(4, "80", "7000", UNFAVORABLE), dossier(5, None, "3000"), dossier(6, "50", "4000", POSTPONED)])
    assert [line.dossier.item_id for line in tracker.lines] == [3, 4, 6, 2, 1, 5]  # decided first, then by score
    assert [line.cost for line in tracker.lines] == [D(8000), D(0), D(0), D(12000), D(10000), D(3000)]
    assert [line.cumulative for line in tracker.lines] == [D(8000), D(8000), D(8000), D(20000), D(30000), D(33000)]
    assert tracker.available == D(25000) and tracker.proposed == D(8000) and tracker.remaining == D(17000)
    assert tracker.cut == 4  # 30,000 passes the 25,000 left for this session at the fifth line
    assert tracker.requested == D(45000) and tracker.still_to_come == D(25000)
    assert tracker.oversubscription == D("1.50")


def test_a_trial_amount_replaces_the_cost_and_says_what_it_leaves():
    dossiers = [dossier(1, "90", "10000"), dossier(2, "80", "10000")]
    tried = track_strand(1, D("15000"), D(0), dossiers, Trial(1, D("6000")))
    assert tried.proposed == D(6000) and tried.remaining == D(9000) and tried.still_to_come == D(10000)
    assert [line.trial for line in tried.lines] == [True, False] and tried.cut == 1
    untouched = track_strand(1, D("15000"), D(0), dossiers)
    assert untouched.proposed == D(0) and untouched.remaining == D(15000)


def test_a_strand_without_envelope_has_no_remaining_and_the_total_adds_the_strands():
    session = track_session({1: D("20000"), 2: D("10000")}, None, {2: D("1000")},
                            [dossier(1, "90", "5000", FAVORABLE, "5000", strand=1), dossier(2, "50", "4000", strand=2)])
    assert session.total_envelope == D(30000) and session.proposed == D(5000)
    assert session.remaining == D(24000) and session.oversubscription == D("0.30")
    bare = track_session({None: None}, None, {}, [dossier(1, "90", "5000", strand=None)])
    assert bare.strands[0].remaining is None and bare.remaining is None and bare.oversubscription is None


@pytest.fixture
def world(session):
    call = factories.make_open_call(title="Appel ESS 2026")
    creation, development = strands_of(call)  # 50,000 € each
    member = factories.make_user(roles=("committee",), call=call, totp=True)
    meeting = make_session(call, [member])
    granted = ready_dossier(call, creation, "90", title="Ressourcerie")
    waiting = ready_dossier(call, creation, "70", title="Jardin")
    other = ready_dossier(call, development, "50", title="Café")
    items = put_on_agenda(meeting, [granted, waiting, other])
    items[0].recommendation, items[0].amount = FAVORABLE, D("9000")
    earlier = make_session(call, [], title="Comité d'hiver", state=CLOSED)
    [old] = put_on_agenda(earlier, [ready_dossier(call, creation, "60", title="Épicerie")])
    old.recommendation, old.amount = FAVORABLE, D("30000")
    db.session.commit()
    return {"session": meeting, "member": member, "items": items, "creation": creation}


def plain(page: str) -> str:
    """Amounts as they read: the narrow and non-breaking spaces of French figures as plain spaces."""
    return page.replace("\u202f", " ").replace("\xa0", " ")


def tracker_url(world, query=""):
    return f"/comite/seances/{world['session'].id}/enveloppe{query}"


def test_the_page_shows_each_strand_what_other_sessions_committed_and_what_remains(client, login_as, world):
    login_as("instructor")
    page = plain(client.get(tracker_url(world)).page)
    creation_row = next(row for row in page.split("<tr>") if row.strip().startswith('<th scope="row">Création'))
    # 50,000 − 30,000 committed by the winter session − 9,000 proposed today
    assert "50 000 €" in creation_row and "30 000 €" in creation_row and "9 000 €" in creation_row
    assert "11 000 €" in creation_row and "0,40 ×" in creation_row  # 20,000 requested on the agenda ÷ 50,000
    assert "L'enveloppe est épuisée à partir d'ici." not in page  # 9,000 + 10,000 stay within the 20,000 left
    assert "Essayer un montant avant de l'enregistrer" in page


def test_a_trial_amount_is_shown_and_bad_ones_are_said(client, login_as, world):
    login_as("instructor")
    waiting = world["items"][1]
    page = plain(client.get(tracker_url(world, f"?essai={waiting.id}&montant=4500")).page)
    assert "Avec 4 500 € pour" in page and "il resterait 6 500 €" in page
    for query, message in ((f"?essai={waiting.id}&montant=abc", "Montant à essayer : saisissez un montant en euros"),
                           (f"?essai={waiting.id}&montant=20000", "dépasse les 10 000 € demandés"),
                           ("?essai=999999&montant=100", "Choisissez un dossier de l'ordre du jour"),
                           (f"?essai={waiting.id}&montant=-5", "Montant à essayer : saisissez un montant en euros")):
        assert message in plain(client.get(tracker_url(world, query)).page), query


def test_members_read_the_tracker_without_trying(client, world):
    client.login(world["member"])
    waiting = world["items"][1]
    page = client.get(tracker_url(world, f"?essai={waiting.id}&montant=4500")).page
    assert "Proposé en séance" in page and "Essayer un montant" not in page and "Avec 4 500 €" not in page


def test_the_tracker_costs_the_same_queries_for_3_and_60_items(client, login_as, world, count_queries):
    login_as("instructor")
    counts = []
    for number in (3, 60):
        meeting = make_session(world["session"].call, [], title=f"Comité {number}")
        put_on_agenda(meeting, [ready_dossier(meeting.call, world["creation"], "50") for _ in range(number)])
        client.get(f"/comite/seances/{meeting.id}/enveloppe")
        with count_queries() as counted:
            assert client.get(f"/comite/seances/{meeting.id}/enveloppe").status_code == 200
        counts.append(counted.n)
    assert counts[0] == counts[1]
    assert db.session.execute(db.select(db.func.count()).select_from(AgendaItem)).scalar_one() == 3 + 1 + 3 + 60
