"""The bilan of an imported edition is computed from the rows the import wrote, as for an edition run here."""
from pathlib import Path

from sqlalchemy import select

from aap.bilan.figures import snapshot
from aap.calls.models import Call
from aap.core.models import utcnow
from aap.extensions import db
from tests.bilan.history_world import NOW, SIRET_B, SIRET_C, csv_bytes, refused, row, run
from tests.decisions.reports_world import complete_report, granted_dossier

EXAMPLE = Path(__file__).resolve().parents[2] / "aap" / "data" / "historique-exemple.csv"
EDITION_2013 = {"annee": "2013", "numero_edition": "7", "intitule_appel": "AAP ESS test — 7e édition",
                "enveloppe": "50 000", "date_depot": "12/05/2013", "deliberation_date": "28/09/2013"}


def two_editions() -> Call:
    """A structure of Pierrefitte supported in 2012 (création) then in 2013 (développement), beside three others."""
    undecided = {"decision": "", "deliberation_reference": "", "deliberation_date": ""}
    rows = [row(commune="93059"),
            row(**EDITION_2013, reference="HT-2013-001", commune="Pierrefitte-sur-Seine", volet="Développement",
                date_convention="15/10/2013", date_versement_1="12/11/2013", date_versement_2="20/11/2014"),
            refused(**EDITION_2013, reference="HT-2013-002", siret=SIRET_B, rna="", structure="Brasserie B",
                    consentement_publication="oui"),
            refused(**{**EDITION_2013, **undecided}, reference="HT-2013-003", siret=SIRET_C, rna="",
                    structure="Cantine C", recevable="non"),
            refused(**{**EDITION_2013, **undecided}, reference="HT-2013-004", siret=SIRET_C, rna="",
                    structure="Cantine C", recevable="")]
    assert run(csv_bytes(rows)).problems == []
    return db.session.execute(select(Call).where(Call.edition == 7)).scalar_one()


def test_the_bilan_of_an_imported_edition_counts_its_dossiers_amounts_jobs_and_delays(app, session):
    figures = snapshot(two_editions(), NOW)
    assert figures["call"]["in_progress"] is False and figures["call"]["envelope"] == "50000.00"
    assert figures["funnel"] == {"received": 4, "eligible": 2, "reviewed": 2, "funded": 1}
    assert figures["amounts"] == {"requested": "32000.00", "proposed": None, "granted": "6000.00", "paid": "6000.00",
                                  "envelope": "50000.00"}
    assert figures["rates"] == {"success": "25.0", "oversubscription": "0.64", "qpv_share": "100.0",
                                "leverage": "4.00"}
    assert figures["structures"] == {"supported": 1, "in_qpv": 1, "first_time": 0, "returning": 1}
    assert figures["jobs"] == {"planned": "6.00", "created": "2.00"}
    assert figures["delays"] == {"decision": {"count": 2, "median_days": 139, "p90_days": 139},
                                 "first_payment": {"count": 1, "median_days": 45, "p90_days": 45}}
    communes = {split["label"]: (split["received"], split["funded"]) for split in figures["splits"]["commune"]}
    assert communes == {"Pierrefitte-sur-Seine": (1, 1), "Saint-Denis": (3, 0)}
    [supported] = figures["supported"]
    assert (supported["organisation"], supported["commune"], supported["strand"], supported["amount"]) == (
        "Atelier Vélo test", "Pierrefitte-sur-Seine", "Développement", "6000.00")
    assert [(trend["year"], trend["edition"], trend["granted"]) for trend in figures["trends"]] == [
        (2012, 6, "6000.00"), (2013, 7, "6000.00")]
    assert figures["paths"] == {"several_times": 1, "patterns": [{"path": ["Création", "Développement"], "count": 1}]}


def test_jobs_created_are_read_where_the_holder_s_report_keeps_them(app, client, session):
    world = granted_dossier()
    world.dossier.submitted_at = utcnow()
    db.session.commit()
    client.login(world.holder)
    page = f"/dossiers/{world.dossier.id}/compte-rendu"
    assert client.post(page, data={**complete_report(jobs_fte="2,5"), "deposer": "1"}).status_code == 302
    client.post("/deconnexion")
    client.login(world.instructor)
    assert client.post(page + "/examen/accepter", data={}).status_code == 302
    assert snapshot(world.call, utcnow())["jobs"]["created"] == "2.50"


def test_the_open_data_of_the_imported_example_editions_is_valid(app, session, tmp_path):
    from aap.bilan.scdl import scdl_csv, scdl_export
    from aap.bilan.scdl_checks import csv_problems
    from tests.bilan.test_scdl import frictionless_errors

    assert run(EXAMPLE.read_bytes(), name="historique-exemple.csv").problems == []
    for year, grants, stakes in ((2008, 2, 0), (2009, 2, 0), (2010, 2, 1)):  # an equity stake is no subsidy
        call = db.session.execute(select(Call).where(Call.year == year)).scalar_one()
        export = scdl_export(call)
        text = scdl_csv(export.rows)
        assert (len(export.rows), export.not_subsidies) == (grants, stakes)
        assert export.left_out == [] and export.invalid == []
        folder = tmp_path / str(year)
        folder.mkdir()
        assert frictionless_errors(text, folder) == [] and csv_problems(text) == []
