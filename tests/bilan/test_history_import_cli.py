"""`flask aap import-history FILE`: its output and exit code, whole or nothing, the same file twice, a dry run."""
from pathlib import Path

from sqlalchemy import func, select

from aap.bilan.history_template import COLUMNS
from aap.bilan.models import HistoryImport
from aap.calls.models import Call
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow.operations import load_named, pin_version
from tests.bilan.history_world import csv_bytes, refused, row, run
from tests.threads import APPLIED, at_once

EXAMPLE = Path(__file__).resolve().parents[2] / "aap" / "data" / "historique-exemple.csv"


def command(app, *arguments):
    return app.test_cli_runner().invoke(args=["aap", "import-history", *map(str, arguments)])


def dossiers() -> int:
    return db.session.execute(select(func.count()).select_from(Dossier)).scalar_one()


def test_the_example_file_imports_then_changes_nothing_the_second_time(app, session):
    first = command(app, EXAMPLE)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[0] == (
        "Import terminé : 3 édition(s), 6 structure(s) nouvelle(s), 12 dossier(s), 10 décision(s) et 12 versement(s) "
        "créés ; 0 dossier(s) déjà importé(s) laissé(s) tel(s) quel(s).")
    assert "  2008 n° 2 « Appel à projets ESS — 2e édition » (nouvelle édition) : 4 dossier(s), 2 accordé(s)" \
           in first.output
    assert dossiers() == 12
    second = command(app, EXAMPLE)
    assert second.exit_code == 0 and "Ce fichier a déjà été importé le " in second.output
    assert "rien n'a changé" in second.output and dossiers() == 12
    assert db.session.execute(select(func.count()).select_from(HistoryImport)).scalar_one() == 1
    verify = app.test_cli_runner().invoke(args=["aap", "audit", "verify"])
    assert verify.exit_code == 0, verify.output


def test_a_refused_file_prints_every_problem_and_exits_1(app, session, tmp_path):
    path = tmp_path / "historique.csv"
    path.write_bytes(csv_bytes([row(siret="123"), refused(reference="B", montant_demande="12.000")]))
    result = command(app, path)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Rien n'a été importé : le fichier compte 2 problème(s), listés ligne par ligne.",
        "  ligne 2, colonne siret (G) : « 123 » n'est pas un SIRET : il compte 14 chiffres.",
        "  ligne 3, colonne montant_demande (R) : « 12.000 » est ambigu (des milliers ou des décimales ?) : écrivez "
        "12000 ou 12 000, et au plus deux décimales après la virgule."]
    assert dossiers() == 0 and db.session.execute(select(func.count()).select_from(Call)).scalar_one() == 0


def test_a_dry_run_says_what_it_would_create_and_creates_nothing(app, session, tmp_path):
    path = tmp_path / "historique.csv"
    path.write_bytes(csv_bytes([row(), refused(reference="B")]))
    result = command(app, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Le fichier peut être importé :",
        "  2012 n° 6 « AAP ESS test — 6e édition » (nouvelle édition) : 2 dossier(s), 1 accordé(s), 6\u202f000\xa0€ "
        "accordés, 6\u202f000\xa0€ versés."]
    assert dossiers() == 0
    path.write_bytes(csv_bytes([row(decision="oui")]))
    refused_run = command(app, path, "--dry-run")
    assert refused_run.exit_code == 1 and "colonne decision (V) : Décision inconnue « oui »" in refused_run.output


def test_an_unknown_file_or_workflow_is_refused(app, session, tmp_path):
    assert command(app, tmp_path / "absent.csv").exit_code == 2
    path = tmp_path / "historique.csv"
    path.write_bytes(csv_bytes([row()]))
    result = command(app, path, "--workflow", "inconnu")
    assert result.exit_code == 1 and "Le cycle de traitement « inconnu » n'existe pas" in result.output


def test_two_imports_of_the_same_file_at_once_import_it_once(app, committed):
    pin_version(load_named("plaine-commune"))  # pinned before, as by any open call: the imports race on the lock alone
    db.session.commit()
    data = csv_bytes([row(), refused(reference="HT-2012-002")])
    outcomes = []

    def attempt():
        outcomes.append(run(data).message)

    assert at_once(app, [attempt, attempt], refusals=()) == [APPLIED, APPLIED]
    assert sorted(message.split(" :")[0] for message in outcomes) == [
        "Ce fichier a déjà été importé le 01/06/2026 12:00 (historique.csv, par tests)", "Import terminé"]
    assert db.session.execute(select(func.count()).select_from(HistoryImport)).scalar_one() == 1
    assert dossiers() == 2


def test_the_readme_documents_every_column_of_the_template():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Importing past editions", 1)[1].split("\n## ", 1)[0]
    assert [column.name for column in COLUMNS if f"`{column.name}`" not in section] == []
    assert "`date_versement_N`, `montant_versement_N`" in section
