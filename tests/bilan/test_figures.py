"""The figures of one edition and across editions, each known in advance from rows written by hand."""
from datetime import datetime, timezone

import pytest

from aap.bilan.figures import snapshot
from aap.decisions.models import Funder
from aap.extensions import db
from tests.bilan import figures_world as world

NOW = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)


@pytest.fixture
def figures(session):
    _earlier, call = world.two_editions()
    return snapshot(call, NOW)


def test_the_funnel_counts_received_eligible_examined_and_funded_dossiers(figures):
    # the draft is not received; D is ineligible; A, B and C were decided; A and B are funded
    assert figures["funnel"] == {"received": 4, "eligible": 3, "reviewed": 3, "funded": 2}


def test_amounts_count_only_grants_in_force_and_payments_made(figures):
    # C's staged grant of 9000 € is not released: it is not granted
    assert figures["amounts"] == {"requested": "50000.00", "proposed": None, "granted": "20000.00",
                                  "paid": "14000.00", "envelope": "50000.00"}


def test_rates_success_oversubscription_qpv_share_and_leverage(figures):
    assert figures["rates"] == {"success": "50.0", "oversubscription": "1.00", "qpv_share": "50.0",
                                "leverage": "7.00"}


def test_structures_funded_before_are_returning(figures):
    assert figures["structures"] == {"supported": 2, "in_qpv": 1, "first_time": 1, "returning": 1}


def test_jobs_planned_at_submission_and_created_by_accepted_reports(figures):
    assert figures["jobs"] == {"planned": "5.00", "created": "1.50"}


def test_delays_are_median_and_90th_percentile_in_days(figures):
    # submission → first answer: 30, 40 and 50 days (C's adjournment at 20 days is no answer)
    assert figures["delays"]["decision"] == {"count": 3, "median_days": 40, "p90_days": 50}
    assert figures["delays"]["first_payment"] == {"count": 2, "median_days": 10, "p90_days": 20}


def test_splits_by_strand_legal_form_instrument_and_funder(figures):
    strands = {row["label"]: (row["received"], row["funded"], row["granted"]) for row in figures["splits"]["strand"]}
    assert strands == {"Création": (1, 0, "0.00"), "Développement": (2, 2, "20000.00"), "Sans volet": (1, 0, "0.00")}
    assert [row["label"] for row in figures["splits"]["strand"]] == ["Création", "Développement", "Sans volet"]
    forms = {row["key"]: row["received"] for row in figures["splits"]["legal_form"]}
    assert forms == {"association": 2, "scic": 1, "scop": 1}
    assert [(row["key"], row["count"], row["amount"]) for row in figures["splits"]["instrument"]] == [
        ("equity", 1, "12000.00"), ("grant", 1, "8000.00")]
    assert figures["splits"]["funder"] == [{"key": "authority", "label": "Plaine Commune", "count": 2,
                                            "amount": "20000.00"}]


def test_communes_of_an_edition_before_2025_keep_pierrefitte_apart(figures):
    communes = {row["label"]: row["received"] for row in figures["splits"]["commune"]}
    assert communes == {"Pierrefitte-sur-Seine": 1, "Saint-Denis": 1, "Saint-Ouen-sur-Seine": 1, "Hors territoire": 1}


def test_communes_of_an_edition_from_2025_merge_pierrefitte_into_saint_denis(session):
    call = world.edition(2025, 19)
    world.received(call, world.structure(commune="93059"), "1000")
    world.received(call, world.structure(commune="93066"), "1000")
    communes = {row["key"]: (row["label"], row["received"]) for row in snapshot(call, NOW)["splits"]["commune"]}
    assert communes == {"93066": ("Saint-Denis", 2)}


def test_supported_structures_are_named_only_with_their_consent(figures):
    assert figures["supported"] == [{
        "organisation": "Atelier A", "commune": "Pierrefitte-sur-Seine", "legal_form": "Association loi 1901",
        "strand": "Développement", "title": "Projet de Atelier A", "summary": "Réparer et réemployer.",
        "amount": "8000.00", "instrument": "Subvention (aide en numéraire)"}]
    assert figures["supported_unlisted"] == 1


def test_trends_give_each_edition_up_to_this_one_by_year(session):
    earlier, call = world.two_editions()
    world.edition(2022, 16)  # a later edition is not in 2021's trends
    trends = snapshot(call, NOW)["trends"]
    assert [(row["year"], row["edition"], row["received"], row["funded"], row["requested"], row["granted"],
             row["envelope"], row["oversubscription"]) for row in trends] == [
        (2020, 14, 1, 1, "6000.00", "5000.00", "40000.00", "0.15"),
        (2021, 15, 4, 2, "50000.00", "20000.00", "50000.00", "1.00")]
    assert trends[0]["call_id"] == earlier.id


def test_paths_follow_the_strands_of_structures_funded_several_times(figures):
    assert figures["paths"] == {"several_times": 1, "patterns": [{"path": ["Création", "Développement"], "count": 1}]}


def test_a_cofunders_grant_counts_in_the_funder_split(session):
    _earlier, call = world.two_editions()
    region = Funder(call_id=call.id, name="Région Île-de-France", position=0)
    db.session.add(region)
    db.session.commit()
    dossier = next(d for d in db.session.execute(db.select(world.Dossier).where(
        world.Dossier.call_id == call.id, world.Dossier.state == "refused")).scalars())
    world.decide(dossier, amount="3000", funder=region)
    figures = snapshot(call, NOW)
    assert [(row["label"], row["count"], row["amount"]) for row in figures["splits"]["funder"]] == [
        ("Plaine Commune", 2, "20000.00"), ("Région Île-de-France", 1, "3000.00")]
    assert figures["funnel"]["funded"] == 3


def test_an_edition_is_in_progress_while_open_or_while_a_dossier_awaits_its_answer(session):
    call = world.edition(2021, 15, state="closed")
    waiting = world.received(call, world.structure(), "1000", state="in_review")
    state = snapshot(call, NOW)["call"]
    assert (state["awaiting"], state["in_progress"]) == (1, True)
    world.decide(waiting, "refused")
    waiting.state = "refused"
    db.session.commit()
    state = snapshot(call, NOW)["call"]
    assert (state["awaiting"], state["in_progress"]) == (0, False)
    call.state, call.opens_at, call.closes_at = "published", None, None
    db.session.commit()
    assert snapshot(call, NOW)["call"]["in_progress"] is True


def test_an_edition_without_dossiers_has_no_rate_and_no_delay(session):
    figures = snapshot(world.edition(2021, 15, envelope=None), NOW)
    assert figures["funnel"] == {"received": 0, "eligible": 0, "reviewed": 0, "funded": 0}
    assert figures["rates"] == {"success": None, "oversubscription": None, "qpv_share": None, "leverage": None}
    assert figures["delays"]["decision"] == {"count": 0, "median_days": None, "p90_days": None}


def test_the_figures_cost_the_same_queries_for_4_dossiers_as_for_40(app, session, count_queries):
    _earlier, call = world.two_editions()
    with count_queries() as few:
        snapshot(call, NOW)
    for number in range(36):
        organisation = world.structure(commune="93001" if number % 2 else "93072")
        dossier = world.received(call, organisation, "1000", "Création", consent=True, budget="4000")
        world.pay(world.decide(dossier, amount="500", after_days=number), after_days=number)
    with count_queries() as many:
        figures = snapshot(call, NOW)
    assert figures["funnel"]["received"] == 40
    assert many.n == few.n


def test_a_review_or_a_recommendation_counts_as_examined_and_the_latest_amount_as_proposed(session):
    from aap.committee.models import AgendaItem, CommitteeSession
    from aap.review.models import SUBMITTED, GridVersion, Review

    call = world.edition(2021, 15)
    discussed = world.received(call, world.structure(), "9000", state="committee_opinion")
    reviewed = world.received(call, world.structure(), "5000", state="in_review")
    world.received(call, world.structure(), "4000", state="in_review")
    day = datetime(2021, 9, 1, 14, tzinfo=timezone.utc)
    sessions = [CommitteeSession(call_id=call.id, title=f"Séance {n}", starts_at=day, ends_at=day) for n in (1, 2)]
    grid = GridVersion(call_id=call.id, version=1, criteria=[])
    db.session.add_all([*sessions, grid])
    db.session.flush()
    db.session.add_all([AgendaItem(session_id=sessions[0].id, dossier_id=discussed.id, recommendation="postponed",
                                   amount=8000),
                        AgendaItem(session_id=sessions[1].id, dossier_id=discussed.id, recommendation="favorable",
                                   amount=7000),
                        Review(dossier_id=reviewed.id, user_id=world.factories.make_user().id,
                               grid_version_id=grid.id, state=SUBMITTED)])
    db.session.commit()
    figures = snapshot(call, NOW)
    assert figures["funnel"]["reviewed"] == 2
    assert figures["amounts"]["proposed"] == "7000.00"


def test_across_editions_the_communes_are_those_of_today_pierrefitte_counting_in_saint_denis(figures):
    # A in Pierrefitte (funded in 2020 and 2021), B in Saint-Denis: today both count in Saint-Denis
    assert figures["communes_today"] == {"as_of": "2026-12-01", "rows": [
        {"key": "autre", "label": "Hors territoire", "received": 1, "funded": 0, "granted": "0.00"},
        {"key": "93066", "label": "Saint-Denis", "received": 3, "funded": 3, "granted": "25000.00"},
        {"key": "93070", "label": "Saint-Ouen-sur-Seine", "received": 1, "funded": 0, "granted": "0.00"}]}


def test_before_the_merger_the_communes_across_editions_keep_pierrefitte_apart(session):
    _earlier, call = world.two_editions()
    rows = snapshot(call, datetime(2024, 6, 1, tzinfo=timezone.utc))["communes_today"]["rows"]
    assert {row["key"]: row["received"] for row in rows} == {"93059": 2, "93066": 1, "93070": 1, "autre": 1}


def test_the_communes_across_editions_are_shown_printed_and_exported(app, client, session):
    from aap.bilan.exports import figure_rows
    from aap.bilan.pdf import bilan_pdf_bytes
    from tests.bilan.test_pdf import text_of

    _earlier, call = world.two_editions()
    figures = snapshot(call, NOW)
    rows = {(section, indicator): value for section, indicator, value in figure_rows(figures)}
    assert rows[("Répartition par commune, toutes éditions (territoire au 2026-12-01)",
                 "Saint-Denis : montant accordé (€)")] == 25000
    with app.test_request_context():
        printed = text_of(bilan_pdf_bytes(figures, "", ""))
    assert "Toutes les éditions, par commune" in printed and "Saint-Denis 3 3 25 000 €" in printed
