"""The call's review dashboard and its exports: rankings raw and calibrated per strand, XLSX and CSV."""
import csv
import io
import re
from decimal import Decimal
from itertools import count

import pytest
from openpyxl import load_workbook

from aap.calls.models import Strand
from aap.core.models import utcnow
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.review.models import SUBMITTED, GridVersion, PoolMember, Review
from aap.review.scoring import Criterion, Grid, weighted_score
from aap.review.standings import rebuild_standings
from tests import factories

CRITERIA = [{"key": "utilite", "label": "Utilité sociale", "weight": "2", "minimum": "0", "maximum": "5",
             "required": True},
            {"key": "cooperation", "label": "Coopération", "weight": "1", "minimum": "0", "maximum": "5",
             "required": False}]
_references = count(1)


def seed_call(strands=("Création", "Développement")):
    call = factories.make_open_call(title="Appel ESS 2026")
    for position, name in enumerate(strands):
        call.strands.append(Strand(name=name, position=position, envelope=Decimal("50000")))
    grid = GridVersion(call_id=call.id, version=1, criteria=CRITERIA)
    db.session.add(grid)
    db.session.commit()
    return call, grid


def seed_dossiers(call, number, **fields):
    """Submitted dossiers written straight as rows: a thousand of them in a second."""
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder], name=fields.pop("organisation", "Ressourcerie"))
    dossiers = [Dossier(call_id=call.id, organisation_id=organisation.id, strand_id=call.strands[i % len(call.strands)].id,
                        reference=f"AAP-2026-{next(_references):05d}", title=fields.get("title", f"Projet {i}"),
                        requested_amount=Decimal("12000.50"), state="in_review",
                        workflow_version_id=call.workflow_version_id, answers=fields.get("answers", {}))
                for i in range(number)]
    db.session.add_all(dossiers)
    db.session.commit()
    return dossiers


def seed_reviewer(call, group="networks", name=None):
    reviewer = factories.make_user(roles=("reviewer",), call=call, totp=True, full_name=name or "")
    db.session.add(PoolMember(call_id=call.id, user_id=reviewer.id, group=group))
    db.session.commit()
    return reviewer


def review(dossier, reviewer, grid, utilite, cooperation="n/a", **fields):
    scores = {"utilite": str(utilite), "cooperation": str(cooperation)}
    grid_value = Grid(tuple(Criterion(**item) for item in grid.criteria))
    answers = {key: value if value == "n/a" else Decimal(value) for key, value in scores.items()}
    db.session.add(Review(dossier_id=dossier.id, user_id=reviewer.id, grid_version_id=grid.id, state=SUBMITTED,
                          scores=scores, weighted_score=weighted_score(grid_value, answers), **fields))


@pytest.fixture
def scored(session):
    """A severe reviewer and a generous one: raw means favour what the generous one read."""
    call, grid = seed_call(strands=("Création",))
    dossiers = seed_dossiers(call, 4)
    severe, generous = seed_reviewer(call, "banks", "Sévère"), seed_reviewer(call, "networks", "Généreux")
    for dossier, score in zip(dossiers[:2], (1, 2)):
        review(dossier, severe, grid, score)
    for dossier, score in zip(dossiers[2:], (4, 5)):
        review(dossier, generous, grid, score)
    review(dossiers[0], generous, grid, 3, recommendation="favorable", proposed_amount=Decimal("9000"))
    review(dossiers[3], severe, grid, 2, recommendation="reserve")
    rebuild_standings(call.id, utcnow())  # reviews written as rows, not submitted through the operation
    db.session.commit()
    return call, dossiers, grid


def test_the_dashboard_ranks_raw_and_calibrated_and_says_how(client, scored):
    call, dossiers, _grid = scored
    client.login(factories.make_user(roles=("instructor",), totp=True))
    page = client.get(f"/instruction/appels/{call.id}/classement")
    assert page.status_code == 200
    assert "recentrée sur la moyenne de son relecteur" in page.page
    references = [d.reference for d in dossiers]
    # raw means 40, 40, 80, 70; the tie of the first two is broken by their calibrated scores
    assert sorted(references, key=page.page.index) == [references[i] for i in (2, 3, 1, 0)]
    calibrated = client.get(f"/instruction/appels/{call.id}/classement?classement=calibre").page
    # the severe reviewer's 2/5 is above their habit, the generous one's 4/5 is their habit: z = 0.71 against 0
    assert sorted(references, key=calibrated.index) == [references[i] for i in (3, 1, 2, 0)]
    assert f'href="/instruction/appels/{call.id}/classement/relecteurs"' in page.page
    habits = client.get(f"/instruction/appels/{call.id}/classement/relecteurs")
    assert habits.status_code == 200 and "Sévère" in habits.page and "Généreux" in habits.page


def test_the_xlsx_holds_numbers_as_numbers_and_formulas_as_text(client, scored):
    call, dossiers, _grid = scored
    dossiers[0].title = "=HYPERLINK(\"http://evil.example\")"
    dossiers[0].answers = {"beneficiaries_count": "40"}
    db.session.commit()
    client.login(factories.make_user(roles=("admin",), totp=True))
    response = client.get(f"/instruction/appels/{call.id}/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Dossiers", "Relectures"]
    rows = list(workbook["Dossiers"].iter_rows(values_only=True))
    header, first = rows[0], rows[1]
    assert first[header.index("Référence")] == dossiers[0].reference
    assert first[header.index("Titre")] == "=HYPERLINK(\"http://evil.example\")"
    assert workbook["Dossiers"].cell(row=2, column=header.index("Titre") + 1).data_type == "s"
    assert first[header.index("Montant demandé")] == 12000.5
    assert first[header.index("Note moyenne (sur 100)")] == 40  # (20 + 60) / 2 on 0–100
    assert first[header.index("Favorable")] == 1
    reviews = list(workbook["Relectures"].iter_rows(values_only=True))
    assert reviews[0][:5] == ("Référence", "Titre", "Relecteur·rice", "Groupe", "Version de la grille")
    assert len(reviews) == 1 + 6
    by_reviewer = {row[2]: row for row in reviews[1:] if row[0] == dossiers[0].reference}
    assert by_reviewer["Généreux"][3] == "Têtes de réseau" and by_reviewer["Généreux"][5] == 3
    assert by_reviewer["Généreux"][6] == "n/a"  # "n/a" is shown as such, never as 0
    assert by_reviewer["Généreux"][reviews[0].index("Montant proposé")] == 9000


def test_the_csv_guards_formulas_and_keeps_french_numbers(client, scored):
    call, dossiers, _grid = scored
    dossiers[1].title = "@SUM(A1:A9)"
    db.session.commit()
    client.login(factories.make_user(roles=("instructor",), totp=True))
    text = client.get(f"/instruction/appels/{call.id}/dossiers.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    second = next(row for row in rows if row[0] == dossiers[1].reference)
    assert second[1] == "'@SUM(A1:A9)" and second[7] == "12000,50"
    reviews = client.get(f"/instruction/appels/{call.id}/relectures.csv").get_data(as_text=True)
    assert "Sévère" in reviews and "n/a" in reviews


@pytest.mark.parametrize("role", ["reviewer", "committee", "funder", "holder"])
def test_only_the_instruction_team_reaches_the_dashboard_and_exports(client, scored, role):
    call, _dossiers, _grid = scored
    user = factories.make_user(roles=() if role == "holder" else (role,), call=call, totp=role != "holder")
    client.login(user)
    for path in ("classement", "classement/relecteurs", "export.xlsx", "dossiers.csv", "relectures.csv"):
        assert client.get(f"/instruction/appels/{call.id}/{path}").status_code == 403


def test_an_unknown_call_is_404(client, session):
    client.login(factories.make_user(roles=("instructor",), totp=True))
    assert client.get("/instruction/appels/999999/classement").status_code == 404
    assert client.get("/instruction/appels/999999/export.xlsx").status_code == 404


def test_a_call_without_dossiers_says_so(client, session):
    call, _grid = seed_call()
    client.login(factories.make_user(roles=("instructor",), totp=True))
    assert "Aucun dossier déposé pour cet appel." in client.get(f"/instruction/appels/{call.id}/classement").page
    workbook = load_workbook(io.BytesIO(client.get(f"/instruction/appels/{call.id}/export.xlsx").get_data()))
    assert len(list(workbook["Dossiers"].iter_rows())) == 1  # the header alone


def _seed_reviewed(call, grid, number):
    dossiers = seed_dossiers(call, number)
    reviewers = [seed_reviewer(call, group) for group in ("networks", "banks", "departments")]
    for i, dossier in enumerate(dossiers):
        for reviewer in reviewers:
            review(dossier, reviewer, grid, (i + reviewer.id) % 6, (i * 7) % 6)
    rebuild_standings(call.id, utcnow())
    db.session.commit()


PAGES = ("classement", "classement?classement=calibre&page=2", "classement/relecteurs", "export.xlsx",
         "dossiers.csv", "relectures.csv")


def test_dashboard_and_exports_cost_the_same_queries_for_10_and_1000_dossiers(client, app, count_queries, session):
    client.login(factories.make_user(roles=("instructor",), totp=True))
    counts = {}
    for number in (10, 1000):
        call, grid = seed_call()
        _seed_reviewed(call, grid, number)
        db.session.expire_all()
        for path in PAGES:
            with count_queries() as counted:
                assert client.get(f"/instruction/appels/{call.id}/{path}").status_code == 200
            counts[number, path] = counted.n
    for path in PAGES:
        assert counts[10, path] == counts[1000, path], path


def test_one_strand_at_a_time_fifty_dossiers_a_page_choices_kept_in_the_address(client, session):
    call, grid = seed_call()
    dossiers = seed_dossiers(call, 120)  # 60 in each strand
    reviewer = seed_reviewer(call)
    for index, dossier in enumerate(dossiers):
        review(dossier, reviewer, grid, index % 6)
    rebuild_standings(call.id, utcnow())
    db.session.commit()
    client.login(factories.make_user(roles=("instructor",), totp=True))
    base = f"/instruction/appels/{call.id}/classement"
    first = client.get(base).page
    creation, development = call.strands
    assert "Création (60 dossiers)" in first and "Développement (60 dossiers)" in first
    assert f'href="{base}?volet={creation.id}" aria-current="page"' in first
    assert first.count('<th scope="row">') == 50 and "page 1 sur 2" in first
    second = client.get(f"{base}?volet={development.id}&classement=calibre&page=2").page
    assert second.count('<th scope="row">') == 10 and "classés sur la note calibrée" in second
    in_development = {d.reference for d in dossiers if d.strand_id == development.id}
    shown = set(re.findall(r"AAP-2026-\d{5}", second))
    assert shown and shown <= in_development
    assert f'volet={development.id}&classement=calibre&page=1' in second  # the way back keeps the choices


@pytest.mark.parametrize("args, message", [
    ("volet=999999", "Volet : « 999999 » n'a aucun dossier déposé dans cet appel ; voici le premier volet."),
    ("volet=abc", "Volet : « abc » n'a aucun dossier déposé dans cet appel ; voici le premier volet."),
    ("page=40", "La page 40 n'existe pas : voici la dernière, la page 1."),
])
def test_a_bad_strand_or_page_is_said_and_the_nearest_shown(client, scored, args, message):
    call, dossiers, _grid = scored
    client.login(factories.make_user(roles=("instructor",), totp=True))
    page = client.get(f"/instruction/appels/{call.id}/classement?{args}")
    assert page.status_code == 200
    assert message in page.page
    assert dossiers[0].reference in page.page
