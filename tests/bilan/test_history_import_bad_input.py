"""Each bad file of past editions is refused with a precise message (line, column, reason), and nothing is imported."""
import pytest
from sqlalchemy import func, select

from aap.bilan import history_template as template
from aap.bilan.history_template import template_header
from aap.bilan.history_values import ValueProblem, amount
from aap.calls.models import Call
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.organisations.models import Organisation
from tests import factories
from tests.bilan.history_world import LA_POSTE, csv_bytes, messages, preview, refused, row, run, xlsx_bytes


def refusal(data: bytes) -> list[str]:
    """The problems of an import that must create nothing: no call, structure or dossier is left."""
    before = [db.session.execute(select(func.count()).select_from(model)).scalar_one()
              for model in (Call, Organisation, Dossier)]
    imported = run(data)
    db.session.rollback()
    assert imported.record is None
    assert [db.session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Call, Organisation, Dossier)] == before
    return messages(imported.problems)


def test_an_unknown_column_is_named_with_the_closest_one(app, session):
    header = [("somme" if name == "montant_demande" else name) for name in template_header(2)] + ["commentaire"]
    assert refusal(csv_bytes([row()], header=header)) == [
        "ligne 1, colonne somme (R) : colonne inconnue du modèle (voir la page d'aide pour la liste des colonnes).",
        "ligne 1, colonne commentaire (AG) : colonne inconnue du modèle (voir la page d'aide pour la liste des "
        "colonnes).",
        "ligne 1, colonne montant_demande : colonne obligatoire absente de la première ligne."]


def test_a_misspelt_column_gets_a_suggestion(app, session):
    header = [("montant_acorde" if name == "montant_accorde" else name) for name in template_header(2)]
    problems = refusal(csv_bytes([row()], header=header))
    assert problems == ["ligne 1, colonne montant_acorde (W) : colonne inconnue : vouliez-vous dire « montant_accorde » ?"]


def test_missing_required_columns_are_each_named(app, session):
    header = [name for name in template_header(2) if name not in ("reference", "date_depot")]
    assert refusal(csv_bytes([row()], header=header)) == [
        "ligne 1, colonne reference : colonne obligatoire absente de la première ligne.",
        "ligne 1, colonne date_depot : colonne obligatoire absente de la première ligne."]


def test_column_names_ignore_case_and_accents_but_not_a_repeated_column(app, session):
    data = csv_bytes([row()])
    header = ";".join("Année" if name == "annee" else name.upper().replace("_", " ") for name in template_header(2))
    assert preview(header.encode() + data[data.index(b"\r\n"):]).problems == []
    repeated = template_header(2) + ["siret"]
    assert refusal(csv_bytes([row()], header=repeated)) == ["ligne 1, colonne siret (AG) : colonne en double (déjà en "
                                                            "G)."]


def test_a_payment_column_without_its_pair_is_refused(app, session):
    header = template_header(2) + ["date_versement_3"]
    assert refusal(csv_bytes([row()], header=header)) == [
        "ligne 1, colonne montant_versement_3 : un versement a sa date et son montant : ajoutez cette colonne à côté de "
        "l'autre."]


def test_a_row_with_more_values_than_columns_is_refused(app, session):
    problems = refusal(csv_bytes([row()]) + b";".join([b"2012"] * 34) + b"\r\n")
    assert problems == ["ligne 3 : La ligne compte 34 valeurs pour 32 colonnes : une valeur contient sans doute le "
                        "séparateur sans être entre guillemets."]


def test_a_bad_siret_is_refused_and_la_poste_s_own_key_accepted(app, session):
    problems = refusal(csv_bytes([row(siret="80295478500029"), row(reference="B", siret="802 954 785")]))
    assert problems == [
        "ligne 2, colonne siret (G) : Le SIRET 80295478500029 n'est pas valide (sa clé de contrôle est fausse) : "
        "vérifiez-le sur l'annuaire des entreprises.",
        "ligne 3, colonne siret (G) : « 802 954 785 » n'est pas un SIRET : il compte 14 chiffres."]
    assert preview(csv_bytes([row(siret=LA_POSTE)])).problems == []


def test_a_structure_without_siret_or_rna_is_refused(app, session):
    assert refusal(csv_bytes([row(siret="", rna="")])) == [
        "ligne 2, colonne siret (G) : indiquez le SIRET ou le numéro RNA de la structure (l'un des deux au moins)."]
    assert refusal(csv_bytes([row(rna="W12")])) == [
        "ligne 2, colonne rna (H) : « W12 » n'est pas un numéro RNA : W suivi de 9 chiffres, par exemple W931000123."]


def test_an_unknown_commune_is_refused_and_pierrefitte_only_before_its_merger(app, session):
    [problem] = refusal(csv_bytes([row(commune="Bobigny")]))
    assert problem.startswith("ligne 2, colonne commune (J) : Commune inconnue « Bobigny » : écrivez le code INSEE ou "
                              "le nom d'une commune du territoire (Aubervilliers, La Courneuve,")
    assert preview(csv_bytes([row(commune="pierrefitte sur seine")])).problems == []
    merged = row(annee="2025", numero_edition="19", date_depot="12/05/2025", deliberation_date="28/09/2025",
                 date_convention="15/10/2025", date_versement_1="12/11/2025", date_versement_2="20/01/2026",
                 commune="93059")
    assert refusal(csv_bytes([merged])) == [
        "ligne 2, colonne commune (J) : Pierrefitte-sur-Seine n'existe plus le 12/05/2025 : elle a rejoint Saint-Denis "
        "le 01/01/2025 ; écrivez Saint-Denis."]


@pytest.mark.parametrize("written, euros", [
    ("12000", "12000.00"), ("12000,50", "12000.50"), ("12000.50", "12000.50"), ("12 000", "12000.00"),
    ("12 000,50", "12000.50"), ("12\u00a0000,50", "12000.50"), ("12\u202f000,50", "12000.50"),
    ("1 234 567,8", "1234567.80"), ("12 000 €", "12000.00"), ("12000€", "12000.00"), (8000, "8000.00"),
    (8000.5, "8000.50")])
def test_french_amounts_are_read_to_the_cent(written, euros):
    assert str(amount(written)) == euros


@pytest.mark.parametrize("written, reason", [
    ("12.000,50", "mêle point et virgule"), ("12,000.50", "mêle point et virgule"),
    ("12.000", "est ambigu (des milliers ou des décimales ?)"), ("12,000", "est ambigu"),
    ("12 00", "n'est pas un montant"), ("1 2000", "n'est pas un montant"), ("12,5050", "plus de deux décimales"),
    ("-500", "le montant doit être positif"), ("0", "le montant doit être positif"), ("douze", "n'est pas un montant"),
    ("1e6", "n'est pas un montant"), ("١٢", "n'est pas un montant"), (1e12, "trop grand")])
def test_ambiguous_or_wrong_amounts_are_refused(written, reason):
    with pytest.raises(ValueProblem) as refused_amount:
        amount(written)
    assert reason in refused_amount.value.message


def test_an_ambiguous_amount_in_a_file_names_its_cell(app, session):
    assert refusal(csv_bytes([row(montant_demande="12.000,50")])) == [
        "ligne 2, colonne montant_demande (R) : « 12.000,50 » mêle point et virgule : écrivez 12000,50 ou 12 000,50 "
        "(une espace entre les milliers, la virgule avant les centimes)."]


def test_the_same_reference_twice_names_both_lines(app, session):
    problems = refusal(csv_bytes([row(), refused(reference="AUTRE"), refused()]))
    assert problems == ["ligne 4, colonne reference (M) : la référence « HT-2012-001 » figure deux fois, lignes 2 et 4 "
                        ": chaque dossier a la sienne."]


def test_a_latin_1_file_is_refused_with_how_to_save_it_as_utf_8(app, session):
    data = csv_bytes([row(intitule_appel="Édition 2012"), row(reference="HT-2", intitule_appel="Édition 2012")],
                     encoding="latin-1")
    [problem] = refusal(data)
    assert problem.startswith("Le fichier n'est pas encodé en UTF-8 (le premier caractère illisible est à la ligne 2 ; "
                              "c'est souvent un fichier Latin-1 ou Windows-1252).")
    assert "« Unicode (UTF-8) »" in problem and "« CSV UTF-8 (délimité par des virgules) »" in problem


def test_malformed_and_future_dates_are_refused(app, session):
    problems = refusal(csv_bytes([row(date_depot="31/02/2012", deliberation_date="2012/09/28",
                                      date_versement_2="20/11/2027")]))
    assert problems == [
        "ligne 2, colonne date_depot (Q) : « 31/02/2012 » n'est pas une date qui existe.",
        "ligne 2, colonne deliberation_date (Z) : « 2012/09/28 » n'est pas une date : écrivez JJ/MM/AAAA, par exemple "
        "30/06/2015.",
        "ligne 2, colonne date_versement_2 (AD) : Le 20/11/2027 est dans le futur : une édition passée a ses dates "
        "passées."]


def test_dates_out_of_order_are_refused(app, session):
    problems = refusal(csv_bytes([row(deliberation_date="01/05/2012", date_convention="01/04/2012")]))
    assert problems == [
        "ligne 2, colonne deliberation_date (Z) : la délibération (01/05/2012) précède le dépôt du dossier "
        "(12/05/2012).",
        "ligne 2, colonne date_convention (AA) : la convention (01/04/2012) précède la délibération (01/05/2012)."]


def test_an_amount_granted_above_the_request_is_refused(app, session):
    assert refusal(csv_bytes([row(montant_accorde="9 000", montant_versement_1="6 300",
                                  montant_versement_2="2 700")])) == [
        "ligne 2, colonne montant_accorde (W) : 9\u202f000\xa0€ accordés pour 8\u202f000\xa0€ demandés : l'accord ne "
        "dépasse pas la "
        "demande."]


def test_payments_above_the_grant_are_refused(app, session):
    assert refusal(csv_bytes([row(montant_versement_2="2 000")])) == [
        "ligne 2, colonne montant_versement_2 (AE) : les versements font 6\u202f200\xa0€, plus que les 6\u202f000\xa0€ "
        "accordés."]


def test_two_envelopes_for_one_edition_are_refused(app, session):
    problems = refusal(csv_bytes([row(), refused(reference="HT-2", enveloppe=""),
                                  refused(reference="HT-3", enveloppe="45 000")]))
    assert problems == ["ligne 4, colonne enveloppe (D) : l'enveloppe de l'édition 2012 n° 6 vaut 40\u202f000\xa0€ ligne 2 "
                        "et 45\u202f000\xa0€ ici : une édition a une seule enveloppe."]


def test_an_edition_number_given_to_two_years_is_refused(app, session):
    problems = refusal(csv_bytes([row(), refused(reference="HT-2", annee="2013", date_depot="12/05/2013",
                                                 deliberation_date="28/09/2013")]))
    assert problems == ["ligne 3, colonne numero_edition (B) : le numéro 6 est déjà celui de l'édition 2012 (ligne 2) : "
                        "une année et un numéro désignent une édition."]


def test_every_problem_of_every_row_is_reported_not_only_the_first(app, session):
    problems = refusal(csv_bytes([row(siret="1", commune="Paris", montant_demande="beaucoup"),
                                  row(reference="HT-2", decision="peut-être", date_depot="")]))
    assert [problem.split(" : ")[0] for problem in problems] == [
        "ligne 2, colonne siret (G)", "ligne 2, colonne commune (J)", "ligne 2, colonne montant_demande (R)",
        "ligne 3, colonne date_depot (Q)", "ligne 3, colonne decision (V)"]


def test_a_grant_s_columns_on_a_refusal_and_a_decision_without_its_deliberation_are_refused(app, session):
    problems = refusal(csv_bytes([refused(montant_accorde="3 000", deliberation_reference=""),
                                  row(reference="HT-2", recevable="non"),
                                  row(reference="HT-3", instrument="prise de participation"),
                                  row(reference="HT-4", instrument="aide en nature")]))
    assert problems == [
        "ligne 2, colonne deliberation_reference (Y) : à remplir : toute décision a sa délibération (référence et "
        "date).",
        "ligne 2, colonne montant_accorde (W) : sans accord, cette colonne reste vide.",
        "ligne 3, colonne recevable (U) : un dossier irrecevable n'a pas de décision : écrivez oui, ou videz la colonne "
        "decision.",
        "ligne 4, colonne instrument (X) : une prise de participation n'est possible que dans une SCIC.",
        "ligne 5, colonne montant_versement_1 (AC) : une aide en nature n'est pas versée : laissez les versements "
        "vides.",
        "ligne 5, colonne montant_versement_2 (AE) : une aide en nature n'est pas versée : laissez les versements "
        "vides."]


def test_a_file_beyond_its_size_or_its_rows_is_refused(app, session):
    assert refusal(b"a" * (template.MAX_BYTES + 1)) == [
        "Le fichier dépasse 5 Mo : découpez-le, par exemple une édition par fichier."]
    many = csv_bytes([refused(reference=f"N-{n}") for n in range(template.MAX_ROWS + 1)])
    assert len(many) < template.MAX_BYTES
    assert refusal(many) == ["Le fichier compte plus de 5000 dossiers : découpez-le, par exemple une édition par "
                             "fichier."]


def test_empty_files_and_other_formats_are_refused(app, session):
    assert refusal(b"") == ["Le fichier est vide."]
    assert refusal(csv_bytes([])) == ["Le fichier ne contient aucun dossier : seulement la ligne des colonnes."]
    assert refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == [
        "Ce fichier est au format Excel 97-2003 (.xls) : enregistrez-le au format XLSX ou CSV UTF-8."]
    assert refusal(b"PK\x03\x04not really a zip") == [
        "Ce fichier n'est pas un classeur XLSX lisible : enregistrez-le de nouveau au format XLSX ou CSV UTF-8."]
    assert refusal(b"une seule colonne\nvaleur\n") == [
        "ligne 1 : La première ligne doit nommer les colonnes, séparées par des points-virgules (ou des virgules) : "
        "aucun séparateur n'y figure."]


def test_an_xlsx_cell_of_the_wrong_kind_is_refused(app, session):
    header = template_header(2)
    values = row(date_depot=12.5, montant_demande=True)
    assert refusal(xlsx_bytes([header, [values.get(name) for name in header]])) == [
        "ligne 2, colonne date_depot (Q) : « 12.5 » n'est pas une date : écrivez JJ/MM/AAAA, par exemple 30/06/2015.",
        "ligne 2, colonne montant_demande (R) : « True » n'est pas un montant."]


def test_an_edition_entered_in_the_application_is_never_imported_over(app, session):
    native = factories.make_call(title="AAP ESS 2012 saisi", year=2012, edition=6, state="archived")
    problems = refusal(csv_bytes([row(), refused(reference="HT-2"), refused(reference="HT-3")]))
    assert problems == [f"ligne 2, colonne numero_edition (B) : l'édition 2012 n° 6 existe déjà dans l'application "
                        f"(« {native.title} »), saisie directement et non importée : rien n'est importé par-dessus (3 "
                        f"lignes, de la ligne 2 à la ligne 4)."]


def test_an_edition_number_of_the_application_keeps_its_year(app, session):
    factories.make_call(title="AAP ESS 2013", year=2013, edition=6)
    assert refusal(csv_bytes([row()])) == [
        "ligne 2, colonne numero_edition (B) : le numéro 6 est déjà celui de l'édition 2013 de l'application (« AAP "
        "ESS 2013 ») : vérifiez l'année ou le numéro."]


def test_a_reference_of_a_dossier_of_the_application_is_refused(app, session):
    call = factories.make_open_call()
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder])
    factories.make_dossier(call, organisation, holder, reference="HT-2012-001")
    assert refusal(csv_bytes([row()])) == [
        "ligne 2, colonne reference (M) : la référence « HT-2012-001 » est celle d'un dossier saisi dans "
        "l'application : choisissez-en une autre."]


def test_an_imported_edition_keeps_its_title_and_envelope(app, session):
    assert run(csv_bytes([row()])).problems == []
    db.session.commit()
    assert refusal(csv_bytes([refused(reference="HT-2", enveloppe="50 000")])) == [
        "ligne 2, colonne enveloppe (D) : l'édition 2012 n° 6 a déjà été importée avec une enveloppe de "
        "40\u202f000\xa0€."]
    assert refusal(csv_bytes([refused(reference="HT-2", intitule_appel="Autre titre")])) == [
        "ligne 2, colonne intitule_appel (C) : l'édition 2012 n° 6 a déjà été importée sous l'intitulé « AAP ESS test "
        "— 6e édition » : gardez-le."]


def test_a_workflow_without_a_step_for_an_outcome_refuses_the_row(app, session):
    problems = messages(preview(csv_bytes([refused(decision="ajourné")]), workflow="deux-temps").problems)
    assert problems == ["ligne 2, colonne decision (V) : le cycle « Appel à projets en deux temps (pré-candidature puis "
                        "dossier complet) » n'a pas d'étape finale pour une décision de ce type."]
    assert messages(preview(csv_bytes([row()]), workflow="inconnu").problems) == [
        "Le cycle de traitement « inconnu » n'existe pas ou n'est pas valide."]
    assert messages(preview(csv_bytes([row()]), workflow="../workflows/plaine-commune").problems) == [
        "Le cycle de traitement « ../workflows/plaine-commune » n'existe pas ou n'est pas valide."]
