"""`flask aap bilan export`: a call by id or slug, a format, a file written whole or not at all."""
import csv
import io
import json

import pytest

from aap.bilan.scdl_checks import csv_problems
from tests.bilan.exports_world import grant, publish, realistic_call, snapshot
from tests.bilan.figures_world import edition


@pytest.fixture
def export(app, session):
    def run(*args):
        return app.test_cli_runner().invoke(args=["aap", "bilan", "export", *args])

    return run


def test_the_open_data_of_a_call_named_by_its_slug(export, tmp_path):
    call, _grants = realistic_call()
    target = tmp_path / "subventions.csv"
    result = export("--call", "appel-ouvert-donnees-ouvertes-2026", "--format", "scdl", "-o", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 4 and csv_problems(text) == []
    assert "En attente, hors du fichier : AAP-S" in result.stderr
    assert "2 prise(s) de participation ou avance(s) remboursable(s)" in result.stderr
    assert f"Données ouvertes des subventions de « {call.title} » écrites dans {target}." in result.stderr


def test_rows_the_schema_would_refuse_stop_the_export_unless_left_out_on_purpose(export, tmp_path):
    call, _grants = realistic_call()
    nameless = grant(call, "4000", siret=None, rna=None, name="Collectif sans numéro")
    target = tmp_path / "subventions.csv"
    result = export("--call", str(call.id), "--format", "scdl", "-o", str(target))
    assert result.exit_code == 1 and not target.exists()
    assert "Erreur : 1 subvention(s) ne peuvent pas figurer dans le fichier SCDL" in result.stderr
    assert f"  - {nameless.dossier.reference} (Collectif sans numéro) : idBeneficiaire ou rnaBeneficiaire : " \
           "ni idBeneficiaire ni rnaBeneficiaire : l'un des deux est obligatoire" in result.stderr
    result = export("--call", str(call.id), "--format", "scdl", "-o", str(target), "--skip-invalid")
    assert result.exit_code == 0 and f"Écartée du fichier : {nameless.dossier.reference}" in result.stderr
    assert len(list(csv.DictReader(io.StringIO(target.read_text())))) == 4


def test_without_a_published_version_the_figures_are_those_of_the_moment(export, tmp_path):
    call, _grants = realistic_call()
    target = tmp_path / "bilan.json"
    result = export("--call", str(call.id), "--format", "json", "-o", str(target))
    assert result.exit_code == 0, result.output
    body = json.loads(target.read_text())
    assert body["version"] is None and body["snapshot"]["call"]["id"] == call.id
    assert "(chiffres du moment, json)" in result.stderr


def test_the_latest_published_version_by_default_another_with_version_the_moments_with_live(export, tmp_path):
    call, _grants = realistic_call()
    publish(call, snapshot(supported_unlisted=1), 1)
    publish(call, snapshot(supported_unlisted=2), 2)
    target = tmp_path / "bilan.json"

    def exported(*args):
        result = export("--call", str(call.id), "--format", "json", "-o", str(target), *args)
        assert result.exit_code == 0, result.output
        return json.loads(target.read_text())

    assert (exported()["version"], exported()["snapshot"]["supported_unlisted"]) == (2, 2)
    assert exported("--version", "1")["snapshot"]["supported_unlisted"] == 1
    live = exported("--live")
    assert live["version"] is None and live["snapshot"]["call"]["id"] == call.id
    result = export("--call", str(call.id), "--format", "csv", "-o", str(target), "--version", "5")
    assert result.exit_code == 1
    assert f"Erreur : Le bilan de « {call.title} » n'a pas de version 5 publiée (versions publiées : 1, 2)." \
        in result.stderr


@pytest.mark.parametrize("fmt, starts", [("csv", b"\xef\xbb\xbfRubrique;Indicateur;Valeur"), ("xlsx", b"PK")])
def test_the_tables_of_the_figures(export, tmp_path, fmt, starts):
    call, _grants = realistic_call()
    target = tmp_path / f"bilan.{fmt}"
    result = export("--call", str(call.id), "--format", fmt.upper(), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(starts)


def test_an_unknown_call_is_refused_and_nothing_is_written(export, tmp_path):
    target = tmp_path / "bilan.csv"
    result = export("--call", "999999", "--format", "csv", "-o", str(target))
    assert (result.exit_code, result.stderr) == (1, "Erreur : Aucun appel n'a l'identifiant 999999.\n")
    result = export("--call", "appel-inconnu-2021", "--format", "csv", "-o", str(target))
    assert result.exit_code == 1 and "Erreur : Aucun appel ne s'appelle « appel-inconnu-2021 »" in result.stderr
    result = export("--call", "appel-sans-annee", "--format", "csv", "-o", str(target))
    assert result.exit_code == 1 and "Aucun appel ne s'appelle « appel-sans-annee »" in result.stderr
    assert not target.exists()


def test_an_ambiguous_slug_names_the_ids_to_choose_from(export, tmp_path):
    first, second = edition(2021, 15, title="Appel commun"), edition(2021, 16, title="Appel commun !")
    target = tmp_path / "bilan.csv"
    result = export("--call", "appel-commun-2021", "--format", "csv", "-o", str(target))
    assert result.exit_code == 1 and not target.exists()
    assert f"Plusieurs appels s'appellent « appel-commun-2021 » (identifiants {first.id}, {second.id})" in result.stderr


def test_an_unknown_format_is_refused(export, tmp_path):
    call = edition(2021, 15, title="Appel commun")
    result = export("--call", str(call.id), "--format", "ods", "-o", str(tmp_path / "bilan.ods"))
    assert result.exit_code == 1
    assert result.stderr == "Erreur : Format « ods » inconnu : choisissez parmi pdf, csv, xlsx, json, scdl.\n"
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_output_is_refused_before_anything_is_computed(export, tmp_path):
    call = edition(2021, 15, title="Appel commun")
    (tmp_path / "plain-file").write_text("x")
    refusals = {str(tmp_path / "absent" / "bilan.csv"): f"Le dossier {tmp_path / 'absent'} n'existe pas",
                str(tmp_path): f"{tmp_path} est un dossier : donnez le chemin d'un fichier.",
                str(tmp_path / "plain-file" / "bilan.csv"): f"{tmp_path / 'plain-file'} n'est pas un dossier : le fichier"}
    for output, message in refusals.items():
        result = export("--call", str(call.id), "--format", "csv", "-o", output)
        assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plain-file"]


def test_a_folder_that_refuses_the_file_is_told_with_the_systems_reason(export):
    call = edition(2021, 15, title="Appel commun")
    result = export("--call", str(call.id), "--format", "csv", "-o", "/sys/bilan.csv")  # sysfs takes no file, even root's
    assert result.exit_code == 1 and result.stderr.startswith("Erreur : Écriture de /sys/bilan.csv impossible : ")


def test_a_refused_export_leaves_an_existing_file_as_it_was(export, tmp_path):
    call, _grants = realistic_call()
    grant(call, "4000", siret=None, rna=None)
    target = tmp_path / "subventions.csv"
    target.write_text("la version d'hier")
    result = export("--call", str(call.id), "--format", "scdl", "-o", str(target))
    assert result.exit_code == 1 and target.read_text() == "la version d'hier"
    assert [path.name for path in tmp_path.iterdir()] == ["subventions.csv"]


def test_the_open_data_has_no_version(export, tmp_path):
    call, _grants = realistic_call()
    result = export("--call", str(call.id), "--format", "scdl", "--version", "1", "-o", str(tmp_path / "s.csv"))
    assert result.exit_code == 1 and "--version ne s'applique pas au format scdl" in result.stderr


def test_the_pdf_of_a_published_version_says_its_number_and_its_figures(export, tmp_path):
    from tests.bilan.test_pdf import text_of

    call, _grants = realistic_call()
    publish(call, snapshot(), 2)
    target = tmp_path / "bilan.pdf"
    result = export("--call", str(call.id), "--format", "pdf", "-o", str(target))
    assert result.exit_code == 0, result.output
    text = text_of(target.read_bytes())
    assert "Version 2, publiée le" in text and "Aperçu" not in text
    live = export("--call", str(call.id), "--format", "pdf", "-o", str(target), "--live")
    assert live.exit_code == 0, live.output
    assert "Aperçu, non publié" in text_of(target.read_bytes())
