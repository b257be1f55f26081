"""The bilan's figures and supported structures as CSV, XLSX and JSON, from a snapshot."""
import csv
import io
import json
from datetime import datetime, timezone
from decimal import Decimal

from openpyxl import load_workbook

from aap.bilan import exports
from aap.bilan.figures import snapshot as live_snapshot
from tests.bilan.exports_world import FORMULA_NAME, snapshot
from tests.bilan.figures_world import two_editions


def csv_table(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def workbook(response):
    return load_workbook(io.BytesIO(response.get_data()))


def test_the_csv_is_one_table_of_section_indicator_and_value(app):
    table = csv_table(exports.figures_csv(snapshot()))
    assert table[0] == ["Rubrique", "Indicateur", "Valeur"]
    rows = {(section, indicator): value for section, indicator, value in table[1:]}
    assert rows[("Appel", "Appel")] == "Appel à projets ESS — 15e édition"
    assert rows[("Dossiers", "Reçus")] == "43"
    assert rows[("Montants (€)", "Accordé")] == "90000,00"
    assert rows[("Montants (€)", "Proposé")] == ""
    assert rows[("Taux", "Taux de réussite (%)")] == "34,9"
    assert rows[("Délais : du dépôt à la décision", "Médiane (jours)")] == "42"
    assert rows[("Délais : de la décision au premier versement", "Médiane (jours)")] == ""
    assert rows[("Répartition par commune", "Pierrefitte-sur-Seine : dossiers reçus")] == "3"
    assert rows[("Répartition par financeur", "Région Île-de-France : montant des décisions (€)")] == "8000,00"
    assert ("Répartition par financeur", "Région Île-de-France : dossiers reçus") not in rows
    assert rows[("Évolution", "2007 : accordé (€)")] == "15000,00"
    assert rows[("Évolution", "2021 : sursollicitation")] == ""
    assert rows[("Parcours", "Création → Développement")] == "4"
    assert rows[("Structures", "Dossiers financés non nommés (sans accord de publication)")] == "3"


def test_the_supported_structures_csv_keeps_a_formula_like_name_as_text(app):
    table = csv_table(exports.structures_csv(snapshot()))
    assert table[0] == exports.STRUCTURES_HEADER
    assert table[1] == ["'" + FORMULA_NAME, "Saint-Denis", "Association", "Création", "Ressourcerie",
                        "'-2 tonnes de déchets", "6000,00", "Subvention"]
    assert table[2][3] == "" and table[2][6] == "4500,50"


def test_the_workbook_has_a_sheet_per_section_numbers_as_numbers_and_text_never_a_formula(app):
    book = workbook(exports.figures_xlsx(snapshot(), version=2))
    assert book.sheetnames == ["Appel", "Entonnoir et montants", "Répartitions", "Délais", "Évolution", "Parcours",
                               "Structures soutenues"]
    summary = {row[1]: row[2] for row in book["Entonnoir et montants"].iter_rows(min_row=2, values_only=True)}
    assert summary["Reçus"] == 43 and summary["Accordé"] == 90000 and summary["Taux de réussite (%)"] == 34.9
    assert summary["Proposé"] is None
    assert dict(book["Appel"].iter_rows(min_row=2, values_only=True))["Version publiée"] == 2
    structures = book["Structures soutenues"]
    assert [cell.value for cell in structures[1]] == exports.STRUCTURES_HEADER
    name = structures["A2"]
    assert (name.value, name.data_type) == (FORMULA_NAME, "s")
    assert structures["G2"].value == 6000 and structures["G2"].data_type == "n"
    trends = list(book["Évolution"].iter_rows(min_row=2, values_only=True))
    assert trends[0][:4] == (2007, 1, "Appel 2007", 15000) and trends[1][3] is None
    splits = list(book["Répartitions"].iter_rows(min_row=2, values_only=True))
    assert splits[0] == ("volet", "Création", 20, 7, 140000, 42000, None, None)
    assert splits[-1] == ("financeur", "Région Île-de-France", None, None, None, None, 2, 8000)
    delays = list(book["Délais"].iter_rows(min_row=2, values_only=True))
    assert delays == [("Du dépôt à la décision", 15, 42, 60), ("De la décision au premier versement", 0, None, None)]
    assert list(book["Parcours"].iter_rows(min_row=2, values_only=True))[1] == ("Création → Développement", 4)


def test_the_json_is_the_snapshot_in_a_small_envelope(app):
    figures = snapshot()
    response = exports.figures_json(figures, version=2, published_at="2026-12-02T09:00:00+00:00")
    body = json.loads(response.get_data(as_text=True))
    assert body == {"export_schema": 1, "call": {"id": 3, "title": "Appel à projets ESS — 15e édition", "year": 2021,
                                                "slug": "appel-a-projets-ess-15e-edition-2021"},
                    "version": 2, "published_at": "2026-12-02T09:00:00+00:00", "snapshot": figures}
    assert response.mimetype == "application/json"
    assert 'filename="bilan-appel-a-projets-ess-15e-edition-2021-v2.json"' in response.headers["Content-Disposition"]


def test_file_names_carry_the_calls_slug_and_the_version(app):
    assert exports.figures_csv(snapshot()).headers["Content-Disposition"] == \
        'attachment; filename="bilan-appel-a-projets-ess-15e-edition-2021.csv"'
    assert 'filename="structures-soutenues-appel-a-projets-ess-15e-edition-2021-v3.csv"' in \
        exports.structures_csv(snapshot(), 3).headers["Content-Disposition"]


def test_the_figures_of_a_real_edition_export_in_every_format(app, session):
    _earlier, call = two_editions()
    figures = live_snapshot(call, datetime(2026, 12, 1, 22, 0, tzinfo=timezone.utc))
    rows = {(section, indicator): value for section, indicator, value in csv_table(exports.figures_csv(figures))[1:]}
    assert rows[("Dossiers", "Reçus")] == str(figures["funnel"]["received"])
    assert rows[("Montants (€)", "Accordé")] == figures["amounts"]["granted"].replace(".", ",")
    book = workbook(exports.figures_xlsx(figures))
    granted = {row[1]: row[2] for row in book["Entonnoir et montants"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(granted["Accordé"])) == Decimal(figures["amounts"]["granted"])
    assert [row[0] for row in book["Structures soutenues"].iter_rows(min_row=2, values_only=True)] == \
        [s["organisation"] for s in figures["supported"]]
    assert json.loads(exports.figures_json(figures).get_data())["snapshot"] == json.loads(json.dumps(figures))
