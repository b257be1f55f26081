"""The instructor's list of a call's dossiers: columns, filters, sorts, pages, bad input and its query count."""
import re
from decimal import Decimal

import pytest

from aap.calls.models import Strand
from aap.core.models import utcnow
from aap.dossiers.reviewers import DECLINED, Assignment, Conflict
from aap.extensions import db
from aap.review.aggregates import divergence, summarise
from aap.review.models import DRAFT, SUBMITTED, PoolMember, Review
from aap.review.standings import rebuild_standings
from aap.workflow import engine
from tests import factories
from tests.review.instruction_world import grid_of, reference_order, reviewers_of, seed


def submitted_dossier(call, holder, commune="93066", strand=None, **fields):
    organisation = factories.make_organisation(members=[holder], commune_insee=commune,
                                               name=fields.pop("organisation", None) or "Association du quartier")
    dossier = factories.make_dossier(call, organisation, holder, strand_id=strand.id if strand else None, **fields)
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.commit()
    return dossier


def review(dossier, user, grid, score, state=SUBMITTED):
    db.session.add(Review(dossier_id=dossier.id, user_id=user.id, grid_version_id=grid.id, state=state,
                          scores={"utilite": "3"}, weighted_score=None if score is None else Decimal(score),
                          submitted_at=utcnow() if state == SUBMITTED else None))


@pytest.fixture
def small(session):
    """A call with two strands, three submitted dossiers, a draft, and another call's dossier."""
    call = factories.make_open_call(title="Appel ESS 2026")
    creation, cooperation = Strand(call_id=call.id, name="Création"), Strand(call_id=call.id, name="Coopération",
                                                                             position=1)
    db.session.add_all([creation, cooperation])
    db.session.commit()
    holder = factories.make_user()
    reviewers = [factories.make_user(roles=("reviewer",), call=call, totp=True, full_name=name)
                 for name in ("Alice Banque", "Bruno Réseau", "Chloé Région")]
    grid = grid_of(call)
    high = submitted_dossier(call, holder, "93001", creation, title="Jardin partagé",
                             organisation="Coopérative 100%_sûre", requested_amount=Decimal("15000"))
    low = submitted_dossier(call, holder, "93066", cooperation, title="Recyclerie", requested_amount=Decimal("8000"))
    bare = submitted_dossier(call, holder, "93027", None, title="Café associatif", requested_amount=Decimal("3000"))
    factories.make_dossier(call, factories.make_organisation(members=[holder]), holder, title="Brouillon caché")
    other = factories.make_open_call(title="Autre appel")
    submitted_dossier(other, holder, title="Dossier d'un autre appel")
    review(high, reviewers[0], grid, "90")
    review(high, reviewers[1], grid, "40")
    review(high, reviewers[2], grid, None)  # all "n/a": counted as submitted, left out of the mean
    review(low, reviewers[0], grid, "20", state=DRAFT)
    review(low, reviewers[1], grid, "30")
    for dossier, user, state in ((high, reviewers[0], "done"), (high, reviewers[1], "done"),
                                 (high, reviewers[2], "done"), (low, reviewers[0], "assigned"),
                                 (low, reviewers[1], "done"), (low, reviewers[2], DECLINED)):
        db.session.add(Assignment(dossier_id=dossier.id, user_id=user.id, state=state))
    db.session.add(Conflict(dossier_id=low.id, user_id=reviewers[2].id, kind="family", declared_at=utcnow()))
    pooled = factories.make_user(full_name="Denise Pool")
    db.session.add(PoolMember(call_id=call.id, user_id=pooled.id, group="networks"))
    rebuild_standings(call.id, utcnow())
    db.session.commit()
    return {"call": call, "high": high, "low": low, "bare": bare, "reviewers": reviewers, "creation": creation,
            "other": other, "pooled": pooled}


def rows_of(response) -> dict[str, str]:
    """Each table row's text, by the dossier's reference."""
    rows = re.findall(r"<tr>(.*?)</tr>", response.page, re.S)
    texts = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    return {text.split(" ")[0]: text for text in texts if re.match(r"AAP-", text)}


def listing(client, call, **args):
    response = client.get(f"/instruction/appels/{call.id}/dossiers", query_string=args)
    assert response.status_code == 200, response.page
    return response


def test_columns_say_what_the_instructor_needs(client, login_as, small):
    login_as("instructor")
    response = listing(client, small["call"])
    rows = rows_of(response)
    assert len(rows) == 3
    high = rows[small["high"].reference]
    for text in ("Jardin partagé", "Coopérative 100%_sûre", "Création", "Aubervilliers", "15 000",
                 "Déposé", "3 / 3", "65,00", "Divergent", " 0"):
        assert text in high
    low = rows[small["low"].reference]
    # the draft review is not counted, the declined assignment is not assigned, the conflict is
    assert "1 / 2" in low and "30,00" in low and "Divergent" not in low and low.endswith(" 1")
    assert "Saint-Denis" in low and "Coopération" in low
    bare = rows[small["bare"].reference]
    assert "n/a" in bare and "0 / 0" in bare and "La Courneuve" in bare
    assert "Brouillon caché" not in response.page and "Dossier d'un autre appel" not in response.page
    assert "1 dossier est en cours de rédaction" in response.page
    assert "3 dossiers déposés." in response.page
    assert f'href="/dossiers/{small["high"].id}"' in response.page


def test_each_filter_narrows_the_list(client, login_as, small):
    login_as("instructor")
    call, high, low, bare = small["call"], small["high"].reference, small["low"].reference, small["bare"].reference
    cases = [({"volet": small["creation"].id}, {high}), ({"commune": "93066"}, {low}),
             ({"note_min": "50"}, {high}), ({"note_max": "30"}, {low}), ({"note_min": "30", "note_max": "65"},
                                                                         {high, low}),
             ({"note_min": "64,995"}, {high}), ({"relecteur": small["reviewers"][0].id}, {high, low}),
             ({"relecteur": small["reviewers"][2].id}, {high}), ({"conflits": "avec"}, {low}),
             ({"conflits": "sans"}, {high, bare}), ({"divergents": "1"}, {high}), ({"q": "recycl"}, {low}),
             ({"q": high}, {high}), ({"q": "coopérative"}, {high}), ({"etat": "submitted"}, {high, low, bare}),
             ({"etat": "in_review"}, set())]
    for args, expected in cases:
        response = listing(client, call, **args)
        assert set(rows_of(response)) == expected, args
        assert "Effacer les filtres" in response.page
        count = len(expected)
        assert (f"{count} dossier correspond" if count == 1 else f"{count} dossiers correspondent") \
            in response.page or (count == 0 and "0 dossier correspond" in response.page), args
    assert "Effacer les filtres" not in listing(client, call).page


def test_sql_wildcards_in_the_search_are_literal(client, login_as, small):
    login_as("instructor")
    assert set(rows_of(listing(client, small["call"], q="100%_s"))) == {small["high"].reference}
    assert set(rows_of(listing(client, small["call"], q="%"))) == {small["high"].reference}
    assert rows_of(listing(client, small["call"], q="Recy_lerie")) == {}
    assert rows_of(listing(client, small["call"], q="Re%rie")) == {}


SORTED = {  # column: references in ascending order (ties by creation), by the names high / low / bare
    "reference": ["high", "low", "bare"], "title": ["bare", "high", "low"], "amount": ["bare", "low", "high"],
    "commune": ["high", "bare", "low"], "score": ["low", "high", "bare"], "divergent": ["low", "bare", "high"],
    "conflicts": ["high", "bare", "low"], "reviews": ["bare", "low", "high"], "strand": ["low", "high", "bare"],
}


@pytest.mark.parametrize("column", sorted(SORTED))
def test_every_column_sorts_both_ways(client, login_as, small, column):
    login_as("instructor")
    references = [small[name].reference for name in SORTED[column]]
    ascending = reference_order(listing(client, small["call"], tri=column, ordre="asc").page, references)
    descending = reference_order(listing(client, small["call"], tri=column, ordre="desc").page, references)
    if column in ("score", "strand"):  # no score, no strand: last both ways
        assert ascending == references and descending == [references[1], references[0], references[2]]
    else:
        assert ascending == references and descending == references[::-1]


def test_organisation_and_state_sort_and_the_sort_stays_in_the_filter_form(client, login_as, small):
    login_as("instructor")
    for column in ("organisation", "state"):
        for order in ("asc", "desc"):
            assert len(rows_of(listing(client, small["call"], tri=column, ordre=order))) == 3
    page = listing(client, small["call"], tri="amount", ordre="desc", commune="93066").page
    assert '<input type="hidden" name="tri" value="amount">' in page
    assert 'href="/instruction/appels/%d/dossiers?tri=amount&ordre=asc&commune=93066&page=1"' \
        % small["call"].id in page


@pytest.mark.parametrize(("args", "message"), [
    ({"note_min": "abc"}, "Note minimale : saisissez une note entre 0 et 100"),
    ({"note_max": "NaN"}, "Note maximale : saisissez une note entre 0 et 100"),
    ({"note_min": "1e999"}, "Note minimale : saisissez une note entre 0 et 100"),
    ({"note_max": "150"}, "Note maximale : saisissez une note entre 0 et 100"),
    ({"note_min": "70", "note_max": "20"}, "La note minimale (70) dépasse la note maximale (20)"),
    ({"etat": "nowhere"}, "État : « nowhere » n'existe pas dans cet appel"),
    ({"volet": "999999"}, "Volet : « 999999 » n'existe pas dans cet appel"),
    ({"volet": "deux"}, "Volet : « deux » n'existe pas dans cet appel"),
    ({"commune": "75056"}, "Commune : « 75056 » n'existe pas dans cet appel"),
    ({"relecteur": "99999999999999999999"}, "Relecteur·rice : « 99999999999999999999 » n'existe pas"),
    ({"conflits": "peut-etre"}, "Conflits d'intérêts : « peut-etre » n'existe pas"),
    ({"page": "9"}, "La page 9 n'existe pas : voici la dernière, la page 1."),
])
def test_bad_filter_values_are_set_aside_with_a_message(client, login_as, small, args, message):
    login_as("instructor")
    response = listing(client, small["call"], **args)
    assert message in response.page
    assert len(rows_of(response)) == 3  # the bad value filters nothing


def test_pool_members_without_assignments_are_offered_as_reviewers(client, login_as, small):
    login_as("instructor")
    response = listing(client, small["call"], relecteur=small["pooled"].id)
    assert f'<option value="{small["pooled"].id}" selected>Denise Pool</option>' in response.page
    assert rows_of(response) == {} and "n'existe pas" not in response.page


def test_a_reviewer_of_another_call_is_unknown_here(client, login_as, small):
    login_as("instructor")
    stranger = factories.make_user(roles=("reviewer",), call=small["other"], totp=True)
    assert "n'existe pas dans cet appel" in listing(client, small["call"], relecteur=stranger.id).page


@pytest.mark.parametrize("page", ["0", "-3", "abc", str(2**63), "99999999999"])
def test_page_numbers_that_are_no_page_show_the_first(client, login_as, small, page):
    login_as("instructor")
    assert len(rows_of(listing(client, small["call"], page=page))) == 3


def test_unknown_sort_keys_fall_back_to_the_reference(client, login_as, small):
    login_as("instructor")
    response = listing(client, small["call"], tri="password; DROP TABLE", ordre="sideways")
    assert len(rows_of(response)) == 3


def test_people_without_rights_are_refused_and_an_unknown_call_is_not_found(client, login_as, small):
    login_as("reviewer")
    assert client.get(f"/instruction/appels/{small['call'].id}/dossiers").status_code == 403
    assert client.get("/instruction").status_code == 403
    login_as("instructor")
    assert client.get("/instruction/appels/99999999/dossiers").status_code == 404


def test_pages_of_fifty(client, login_as, session):
    call = factories.make_open_call()
    seed(call, 120, reviewers_of(call))
    login_as("admin")
    first, last = listing(client, call), listing(client, call, page=3)
    assert len(rows_of(first)) == 50 and len(rows_of(last)) == 20
    assert "Page 1 sur 3" in first.page and "Page 3 sur 3" in last.page and "Page suivante" in first.page
    assert "120 dossiers déposés." in first.page


def test_the_divergence_flag_agrees_with_the_aggregates(client, login_as, session):
    call = factories.make_open_call()
    holder, reviewers = factories.make_user(), reviewers_of(call, 2)
    grid = grid_of(call)
    gaps = ["39.9949", "39.9950", "40", "39", "55.5"]
    dossiers = []
    for gap in gaps:
        dossier = submitted_dossier(call, holder, title=f"Écart {gap}")
        review(dossier, reviewers[0], grid, "10")
        review(dossier, reviewers[1], grid, str(Decimal("10") + Decimal(gap)))
        dossiers.append(dossier)
    rebuild_standings(call.id, utcnow())
    db.session.commit()
    login_as("instructor")
    rows = rows_of(listing(client, call))
    for gap, dossier in zip(gaps, dossiers, strict=True):
        expected = divergence(summarise([Decimal("10"), Decimal("10") + Decimal(gap)])).flagged
        assert ("Divergent" in rows[dossier.reference]) is expected, gap


def test_the_calls_page_counts_and_links(client, login_as, small):
    login_as("instructor")
    response = client.get("/instruction")
    assert response.status_code == 200
    row = next(text for text in re.findall(r"<tr>(.*?)</tr>", response.page, re.S) if "Appel ESS 2026" in text)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
    assert cells[1:4] == ["3", "2", "1"]  # 3 submitted; only « high » has the 3 reviews the call asks for
    call_id = small["call"].id
    for page in ("dossiers", "relecteurs", "affectation", "conflits", "classement"):  # the call's instruction pages
        assert f'href="/instruction/appels/{call_id}/{page}"' in row
    assert f'href="/instruction/appels/{call_id}/grille"' not in row  # the grid is the administrators'
    login_as("admin")
    assert f'href="/instruction/appels/{call_id}/grille"' in client.get("/instruction").page
    assert 'href="/instruction"' in client.get("/dossiers").page


def test_the_navigation_offers_instruction_to_staff_only(client, login_as, session):
    login_as("holder")
    assert 'href="/instruction"' not in client.get("/dossiers").page
    login_as("instructor")
    assert 'href="/instruction" aria-current="page"' in client.get("/instruction").page


def test_the_list_costs_the_same_queries_for_10_and_1000_dossiers(client, login_as, session, count_queries):
    small_call, large_call = factories.make_open_call(title="Petit"), factories.make_open_call(title="Grand")
    seed(small_call, 10, reviewers_of(small_call))
    seed(large_call, 1000, reviewers_of(large_call))
    login_as("instructor")
    counts = {}
    for call in (small_call, large_call):
        args = {"tri": "score", "ordre": "desc", "divergents": "", "conflits": "", "page": "1"}
        listing(client, call, **args)  # warm: the user's grants and the templates
        with count_queries() as counted:
            response = listing(client, call, **args)
        counts[call.title] = counted.n
        assert len(rows_of(response)) == (10 if call is small_call else 50)
    assert counts["Petit"] == counts["Grand"]
    assert counts["Grand"] <= 13  # 12, and one for the page's organisations with a final report overdue
    with count_queries() as counted:
        assert client.get("/instruction").status_code == 200
    assert counted.n <= 8
