"""The SCDL « subventions » open data of a call: which grants, each field computed from the data, a file that
frictionless and the schema's custom checks accept."""
import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from frictionless import Dialect, Resource, Schema, formats

from aap.bilan.scdl import ScdlRefused, grants_in_force, scdl_csv, scdl_export, subject, subsidy_share
from aap.bilan.scdl_checks import SCHEMA_PATH, csv_problems, field_names
from aap.extensions import db
from tests.bilan.exports_world import (
    DELIBERATION,
    FORMULA_NAME,
    LA_POSTE,
    grant,
    notified_plus,
    pay,
    realistic_call,
    sign,
)
from tests.bilan.figures_world import edition


def frictionless_errors(text: str, folder) -> list:
    """`frictionless validate` of the file as written, against the schema shipped with the app."""
    (folder / "subventions.csv").write_bytes(text.encode("utf-8"))
    resource = Resource(path="subventions.csv", basepath=str(folder), schema=Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text())),
                        encoding="utf-8", dialect=Dialect(controls=[formats.CsvControl(delimiter=",")]))
    return resource.validate().flatten(["rowNumber", "fieldName", "type", "note"])


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_each_field_is_computed_from_the_decisions_tranches_and_agreements(app, session):
    call, grants = realistic_call()
    export = scdl_export(call)
    landy, kind, big, both = export.rows
    assert landy == {
        "nomAttribuant": "Plaine Commune", "idAttribuant": "20005478100006", "dateConvention": "2026-02-26",
        "referenceDecision": grants["landy"].decision.deliberation_reference,
        "nomBeneficiaire": "Ressourcerie du Landy", "idBeneficiaire": "73282932000074", "rnaBeneficiaire": "",
        "objet": "Ressourcerie : réemploi", "montant": "8000.00", "nature": "aide en numéraire",
        "conditionsVersement": "échelonné", "datesPeriodeVersement": "2026-04-10", "idRAE": "",
        "notificationUE": "non", "pourcentageSubvention": "0.40", "dispositifAide": ""}
    # aid in kind pays nothing: it runs from the notification; the beneficiary has its RNA alone
    assert (kind["nature"], kind["conditionsVersement"], kind["datesPeriodeVersement"]) == (
        "aide en nature", "unique", "2026-03-02")
    assert (kind["idBeneficiaire"], kind["rnaBeneficiaire"], kind["pourcentageSubvention"]) == ("", "W931234567", "1.00")
    # above 23 000 €: the agreement's signature; its advance falls due 60 days later, not paid yet
    assert big["nomBeneficiaire"] == 'Coopérative "Les Poètes", SCIC'
    assert (big["dateConvention"], big["datesPeriodeVersement"], big["pourcentageSubvention"]) == (
        "2026-03-20", "2026-05-19", "0.33")
    # both tranches paid: the first and the last day; the grant above the budget is held at the schema's maximum
    assert (both["idBeneficiaire"], both["datesPeriodeVersement"], both["montant"]) == (
        LA_POSTE, "2026-05-01/2027-02-01", "12000.50")
    assert both["pourcentageSubvention"] == "1.00" and both["dateConvention"] == DELIBERATION.isoformat()
    assert [(g.reference, g.waiting) for g in export.left_out] == [(grants["waiting"].dossier.reference, True)]
    assert export.left_out[0].reasons == ("convention requise, pas encore signée",)
    assert export.not_subsidies == 2 and export.invalid == []


def test_the_file_of_a_realistic_call_is_valid_for_frictionless_and_the_custom_checks(app, session, tmp_path):
    call, _grants = realistic_call()
    text = scdl_csv(scdl_export(call).rows)
    assert frictionless_errors(text, tmp_path) == []
    assert csv_problems(text) == []
    assert text.startswith("nomAttribuant,idAttribuant,") and not text.startswith("\ufeff")
    assert len(rows_of(text)) == 4


def test_a_formula_like_name_stays_text_and_the_file_stays_valid(app, session, tmp_path):
    call, _grants = realistic_call()
    text = scdl_csv(scdl_export(call).rows)
    assert rows_of(text)[1]["nomBeneficiaire"] == "'" + FORMULA_NAME
    assert frictionless_errors(text, tmp_path) == []


def test_the_demos_2021_edition_is_valid_open_data(app, session, tmp_path, monkeypatch):
    from aap.calls.models import Call
    from aap.demo import load_demo
    from aap.demo_history import TITLE

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    load_demo()
    call = db.session.execute(db.select(Call).where(Call.title == TITLE)).scalar_one()
    export = scdl_export(call)
    text = scdl_csv(export.rows)
    assert len(export.rows) == 15 and export.left_out == []
    folder = tmp_path / "scdl"
    folder.mkdir()
    assert frictionless_errors(text, folder) == []
    assert csv_problems(text) == []


def test_a_beneficiary_with_neither_siret_nor_rna_is_left_out_with_the_reason(app, session, tmp_path):
    call, _grants = realistic_call()
    nameless = grant(call, "4000", siret=None, rna=None, name="Collectif sans numéro")
    wrong = grant(call, "4000", siret="73282932000075", name="Clé fausse")
    export = scdl_export(call)
    assert [(g.reference, g.organisation) for g in export.invalid] == [
        (nameless.dossier.reference, "Collectif sans numéro"), (wrong.dossier.reference, "Clé fausse")]
    assert export.invalid[0].reasons == (
        "idBeneficiaire ou rnaBeneficiaire : ni idBeneficiaire ni rnaBeneficiaire : l'un des deux est obligatoire",)
    assert export.invalid[1].reasons == (
        "idBeneficiaire : « 73282932000075 » n'est pas un numéro SIRET valide (14 chiffres et clé de contrôle)",)
    text = scdl_csv(export.rows)
    assert len(rows_of(text)) == 4 and frictionless_errors(text, tmp_path) == []


def test_an_authority_without_a_valid_siret_gets_no_file(app, session, monkeypatch):
    call, _grants = realistic_call()
    monkeypatch.setitem(app.config, "AUTHORITY_SIRET", "20005478100007")
    with pytest.raises(ScdlRefused, match="AUTHORITY_SIRET valide"):
        scdl_export(call)


def test_the_object_is_the_title_cut_after_a_word_within_256_characters():
    title = "Réemploi " * 40
    cut = subject(title)
    assert len(cut) <= 256 and cut.endswith("Réemploi…") and cut.startswith("Réemploi Réemploi")
    assert subject("  Un   titre\nsur deux lignes ") == "Un titre sur deux lignes"
    assert len(subject("=" + "x" * 300)) == 256 and subject("=" + "x" * 300).startswith("'=")
    assert subject("x" * 300) == "x" * 255 + "…"


@pytest.mark.parametrize("amount, budget, share", [
    ("8000", "20000", "0.40"), ("10", "100000", "0.01"), ("12000", "10000", "1.00"), ("5000", None, "1.00"),
    ("5000", "0", "1.00"), ("1000", "3000", "0.33"), ("1000", "1600", "0.63"),
])
def test_the_share_is_the_amount_over_the_projects_budget_within_the_schemas_bounds(amount, budget, share):
    assert subsidy_share(Decimal(amount), Decimal(budget) if budget else None) == share


def test_a_cancelled_balance_leaves_the_payment_single(app, session):
    call = edition(2026, 21, title="Appel ouvert — solde annulé")
    closed = grant(call, "6000")
    pay(closed.decision, 1, date(2026, 4, 1))
    from aap.decisions.payments_plan import tranches_of

    tranches_of(closed.decision)[1].cancelled = True
    db.session.commit()
    row = scdl_export(call).rows[0]
    assert (row["conditionsVersement"], row["datesPeriodeVersement"]) == ("unique", "2026-04-01")


def test_unpaid_tranches_give_their_planned_due_dates(app, session):
    call = edition(2026, 22, title="Appel ouvert — rien de versé")
    grant(call, "6000")
    assert scdl_export(call).rows[0]["datesPeriodeVersement"] == notified_plus(60).isoformat()


@pytest.mark.parametrize("count", [2, 40])
def test_the_export_costs_the_same_queries_for_2_grants_as_for_40(app, session, count_queries, count):
    call = edition(2026, 30 + count, title=f"Appel ouvert — {count} subventions")
    for index in range(count):
        one = grant(call, "6000" if index % 2 else "30000")
        if index % 2 == 0:
            sign(one.decision, date(2026, 3, 20))
    db.session.expire_all()
    assert call.title  # the call as a view has it loaded
    with count_queries() as counted:
        export = scdl_export(call)
        scdl_csv(export.rows)
    assert len(export.rows) == count
    assert counted.n == 3, [statement[:120] for statement in counted.statements]


def test_grants_in_force_are_the_authoritys_released_current_grants_only(app, session):
    call, grants = realistic_call()
    references = [g.decision.dossier.reference for g in grants_in_force(call)]
    assert len(references) == 7  # four in the file, one waiting, the equity stake and the repayable advance
    assert [g.dossier.reference for g in grants.values()] == references[:5]


def test_the_header_is_the_schemas_columns_in_order(app, session):
    assert scdl_csv([]).splitlines() == [",".join(field_names())]
