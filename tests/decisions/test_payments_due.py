"""The payments due across calls: what is listed, the days late, filters and sorts, 50 a page, constant queries;
and the export for the finance software, whose amounts stay numbers and whose text is never a formula."""
import csv
import io
from datetime import date
from decimal import Decimal
from itertools import count

import pytest
import time_machine
from openpyxl import load_workbook

from aap.decisions.grant_models import AT_NOTIFICATION, PaymentTranche
from aap.decisions.models import GRANT, GRANTED, Decision
from aap.dossiers.models import Dossier
from aap.extensions import db
from tests import factories
from tests.decisions import payments_world
from tests.decisions.payments_world import RELEASED_AT, co_funder, give_bank_details, plain

TODAY = "2026-05-11 10:00:00+00:00"
_numbers = count(1)
DUE = date(2026, 5, 1)


def due_rows(call, organisation, count: int, due_on=DUE, funder=None, amount="1000", **tranche) -> list[Dossier]:
    """`count` dossiers, each with a released grant and one tranche falling due on `due_on`, written as rows."""
    dossiers = [Dossier(call_id=call.id, organisation_id=organisation.id, title=f"Projet {index}",
                        reference=f"AAP-D{next(_numbers):06d}", state="granted",
                        workflow_version_id=call.workflow_version_id, answers={}) for index in range(count)]
    db.session.add_all(dossiers)
    db.session.flush()
    decisions = [Decision(dossier_id=dossier.id, funder_id=funder.id if funder else None, outcome=GRANTED,
                          instrument=GRANT, amount=Decimal(amount), deliberation_reference="DEL",
                          deliberation_date=date(2026, 2, 26), decided_at=RELEASED_AT, released_at=RELEASED_AT)
                 for dossier in dossiers]
    db.session.add_all(decisions)
    db.session.flush()
    db.session.add_all(PaymentTranche(decision_id=decision.id, position=1, label="Acompte", share_percent=100,
                                      amount=Decimal(amount), trigger=AT_NOTIFICATION, due_on=due_on, **tranche)
                       for decision in decisions)
    db.session.commit()
    return dossiers


@pytest.fixture
def place(session):
    call = factories.make_open_call(title="Appel ESS versements dus")
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder], name="Le Lien", siret="73282932000074")
    give_bank_details(organisation, holder)
    admin = factories.make_user(roles=("admin",), totp=True)
    return call, organisation, holder, admin


def listed(client, query="") -> str:
    answer = client.get(f"/decisions/versements{query}")
    assert answer.status_code == 200
    return plain(answer.page)


@time_machine.travel(TODAY, tick=False)
def test_every_tranche_due_and_unpaid_is_listed_with_its_days_late(client, place):
    call, organisation, holder, admin = place
    late, = due_rows(call, organisation, 1, amount="14000")
    due_rows(call, organisation, 1, due_on=date(2026, 6, 30), amount="7777")  # upcoming
    due_rows(call, organisation, 1, amount="1111", paid_on=date(2026, 4, 2))
    due_rows(call, organisation, 1, amount="2222", cancelled=True)
    due_rows(call, organisation, 1, due_on=None, amount="3333")  # its trigger has not happened
    staged, superseded = due_rows(call, organisation, 2, amount="4444")
    db.session.execute(db.update(Decision).where(Decision.dossier_id == staged.id).values(released_at=None))
    db.session.execute(db.update(Decision).where(Decision.dossier_id == superseded.id).values(superseded=True))
    db.session.commit()
    client.login(admin)
    page = listed(client)
    assert "2 versements à faire." in page
    assert "14 000 €" in page and "10 jours" in page and "7 777 €" in page and late.reference in page
    for amount in ("1 111 €", "2 222 €", "3 333 €", "4 444 €"):
        assert amount not in page
    assert page.index("14 000 €") < page.index("7 777 €")  # the longest overdue first


@time_machine.travel(TODAY, tick=False)
def test_filters_on_call_funder_lateness_and_dates(client, place):
    call, organisation, holder, admin = place
    other_call = factories.make_open_call(title="Autre appel ESS")
    department = co_funder(call)
    due_rows(call, organisation, 1, amount="1001")
    due_rows(other_call, organisation, 1, amount="1002")
    due_rows(call, organisation, 1, funder=department, amount="1003", due_on=date(2026, 6, 15))
    client.login(admin)
    assert "1 002 €" not in listed(client, f"?appel={call.id}") and "1 001 €" in listed(client, f"?appel={call.id}")
    assert "1 003 €" not in listed(client, "?financeur=collectivite")
    only_department = listed(client, f"?financeur={department.id}")
    assert "1 003 €" in only_department and "1 001 €" not in only_department
    assert "1 003 €" not in listed(client, "?statut=en-retard") and "1 003 €" in listed(client, "?statut=a-venir")
    window = listed(client, "?du=01/06/2026&au=2026-06-30")
    assert "1 versement à faire." in window and "1 003 €" in window
    wrong = listed(client, "?du=32/13/2026&appel=99999&financeur=xyz")
    assert "« 32/13/2026 » n'est pas une date (par exemple 01/05/2026) : ce filtre est ignoré." in wrong
    assert "Cet appel à projets n'existe pas" in wrong and "Ce financeur n'existe pas" in wrong
    assert "3 versements à faire." in wrong


@time_machine.travel(TODAY, tick=False)
def test_sorted_by_amount_and_50_a_page(client, place):
    call, organisation, holder, admin = place
    due_rows(call, organisation, 55, amount="500")
    due_rows(call, organisation, 1, amount="98765")
    client.login(admin)
    first = listed(client, "?tri=montant&ordre=desc")
    assert "56 versements à faire." in first and "Page 1 sur 2" in first
    assert first.index("98 765 €") < first.index("500 €")
    second = client.get("/decisions/versements?tri=montant&ordre=desc&page=2").text
    assert second.count("<tr>") == 6 + 1  # six rows and the head
    assert "La page 9 n'existe pas" in listed(client, "?page=9")


def export(client, kind: str, query=""):
    answer = client.get(f"/decisions/versements.{kind}{query}")
    assert answer.status_code == 200
    return answer


@time_machine.travel(TODAY, tick=False)
def test_the_csv_export_has_what_the_finance_software_needs(client, place):
    call, organisation, holder, admin = place
    organisation.name = "=HYPERLINK(\"http://example.org\")"
    db.session.commit()
    dossier, = due_rows(call, organisation, 1, amount="14000.50")
    client.login(admin)
    answer = export(client, "csv")
    assert answer.mimetype == "text/csv" and "versements-a-faire-2026-05-11.csv" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Appel à projets", "Référence du dossier", "Structure", "SIRET", "Titulaire du compte", "IBAN",
                       "BIC", "Financeur", "Tranche", "Montant (€)", "Échéance"]
    assert rows[1] == ["Appel ESS versements dus (2026)", dossier.reference, "'=HYPERLINK(\"http://example.org\")",
                       "73282932000074", "Le Lien",
                       payments_world.IBAN, payments_world.BIC, "La collectivité", "Acompte", "14000,50", "2026-05-01"]


@time_machine.travel(TODAY, tick=False)
def test_the_xlsx_export_keeps_numbers_and_dates_and_never_runs_a_formula(client, place):
    call, organisation, holder, admin = place
    organisation.name = "=1+1"
    db.session.commit()
    due_rows(call, organisation, 1, amount="14000.50")
    client.login(admin)
    sheet = load_workbook(io.BytesIO(export(client, "xlsx").data)).active
    header, row = list(sheet.iter_rows(values_only=False))[:2]
    assert [cell.value for cell in header][9] == "Montant (€)"
    assert row[9].data_type == "n" and row[9].value == 14000.5
    assert row[10].value.date() == DUE
    assert row[2].data_type == "s" and row[2].value == "=1+1"
    assert row[5].value == payments_world.IBAN


@time_machine.travel(TODAY, tick=False)
def test_the_list_and_the_exports_cost_the_same_queries_for_10_and_200_rows(client, place, count_queries):
    call, organisation, holder, admin = place
    client.login(admin)
    costs = []
    for added in (10, 190):
        due_rows(call, organisation, added)
        with count_queries() as counted:
            listed(client)
            export(client, "csv")
            export(client, "xlsx")
        costs.append(counted.n)
    assert costs[0] == costs[1]
    assert "200 versements à faire." in listed(client)


@time_machine.travel(TODAY, tick=False)
def test_the_instruction_team_reads_the_list_only_administrators_export_it(client, place):
    call, organisation, holder, admin = place
    instructor = factories.make_user(roles=("instructor",), totp=True)
    client.login(instructor)
    assert client.get("/decisions/versements").status_code == 200
    assert "Exporter en CSV" not in client.get("/decisions/versements").page
    assert client.get("/decisions/versements.csv").status_code == 403
    assert client.get("/decisions/versements.xlsx").status_code == 403
    client.login(holder)
    assert client.get("/decisions/versements").status_code == 403
    client.login(admin)
    assert "Exporter en CSV" in client.get("/decisions/versements").page
