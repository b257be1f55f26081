"""The template of a file of past editions: one row per dossier, its columns, their words, and the file's bounds.

The same list documents the columns (README, the help page), checks a file's header and writes the example file.
"""
import csv
import io
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from aap.core.text import sort_key
from aap.decisions.models import EQUITY, GRANT, GRANTED, IN_KIND, POSTPONED, REFUSED, REPAYABLE

#: a file is read whole in one request: its size and its rows are bounded
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
#: payments a dossier may list: date_versement_1 … date_versement_12
MAX_PAYMENTS = 12
#: a row longer than this has cells that belong to no column
MAX_COLUMNS = 80

EDITION, STRUCTURE, DOSSIER, DECISION, PAYMENTS = "edition", "structure", "dossier", "decision", "payments"
GROUPS = {EDITION: _l("L'édition"), STRUCTURE: _l("La structure"), DOSSIER: _l("Le dossier"),
          DECISION: _l("La décision"), PAYMENTS: _l("Versements et compte-rendu")}

TEXT, AMOUNT, NUMBER, INTEGER, DATE, YES_NO, CHOICE = "text", "amount", "number", "integer", "date", "yes_no", "choice"


@dataclass(frozen=True)
class Column:
    name: str
    group: str
    kind: str
    #: the header must name it, and every row fill it in
    required: bool
    description: object
    example: str
    max_length: int | None = None


COLUMNS = (
    Column("annee", EDITION, INTEGER, True, _l("Année de l'édition, sur quatre chiffres."), "2012"),
    Column("numero_edition", EDITION, INTEGER, True,
           _l("Numéro de l'édition dans la série de l'appel (1 pour la première) ; une année et un numéro désignent "
              "une édition."), "6"),
    Column("intitule_appel", EDITION, TEXT, True, _l("Intitulé de l'appel, le même sur chaque ligne de l'édition."),
           "Appel à projets ESS — 6e édition", 200),
    Column("enveloppe", EDITION, AMOUNT, False,
           _l("Enveloppe totale de l'édition en euros, la même sur chaque ligne de l'édition (ou vide)."), "40 000"),
    Column("volet", EDITION, TEXT, False, _l("Volet du dossier (Création, Développement, Coopération…), ou vide."),
           "Création", 120),
    Column("structure", STRUCTURE, TEXT, True, _l("Nom de la structure porteuse."), "Ressourcerie du Landy", 200),
    Column("siret", STRUCTURE, TEXT, False,
           _l("SIRET à 14 chiffres (espaces admis). Le SIRET ou le numéro RNA est obligatoire : une structure déjà "
              "connue est retrouvée par son SIRET, sinon par son RNA."), "802 954 785 00028", 20),
    Column("rna", STRUCTURE, TEXT, False, _l("Numéro RNA d'une association : W suivi de 9 chiffres."),
           "W931000123", 12),
    Column("forme_juridique", STRUCTURE, CHOICE, True,
           _l("association, scic, scop, esus, mutuelle, fondation ou autre."), "association"),
    Column("commune", STRUCTURE, TEXT, True,
           _l("Commune du siège : son code INSEE ou son nom, telle qu'elle existait l'année de l'édition "
              "(Pierrefitte-sur-Seine, 93059, jusqu'en 2024)."), "93066", 80),
    Column("qpv", STRUCTURE, YES_NO, False, _l("oui si la structure est située en quartier prioritaire (QPV), sinon "
                                               "non (vide : non)."), "oui"),
    Column("date_creation", STRUCTURE, DATE, False, _l("Date de création de la structure (JJ/MM/AAAA)."),
           "15/01/2009"),
    Column("reference", DOSSIER, TEXT, True,
           _l("Référence du dossier, unique dans le fichier et dans l'application (20 caractères au plus) : c'est "
              "elle qui fait qu'un second import du même dossier ne change rien."), "AAP-2012-0007", 20),
    Column("titre_projet", DOSSIER, TEXT, True, _l("Titre du projet."), "Atelier de réparation de vélos", 300),
    Column("resume_public", DOSSIER, TEXT, False,
           _l("Quelques lignes publiables dans le bilan si la structure y a consenti."),
           "Un atelier où chacun apprend à réparer son vélo.", 2000),
    Column("consentement_publication", DOSSIER, YES_NO, False,
           _l("oui si la structure a accepté que son nom, le titre et le résumé soient publiés (vide : non)."), "oui"),
    Column("date_depot", DOSSIER, DATE, True, _l("Date de dépôt du dossier (JJ/MM/AAAA)."), "12/05/2012"),
    Column("montant_demande", DOSSIER, AMOUNT, True, _l("Montant demandé, en euros."), "8 000"),
    Column("budget_projet", DOSSIER, AMOUNT, False, _l("Budget total du projet (ses charges), en euros."), "24 000"),
    Column("emplois_prevus", DOSSIER, NUMBER, False, _l("Emplois prévus, en équivalents temps plein."), "1,5"),
    Column("recevable", DOSSIER, YES_NO, False,
           _l("oui ou non ; vide si la recevabilité n'a pas été examinée. Un dossier décidé est recevable."), "oui"),
    Column("decision", DECISION, CHOICE, False,
           _l("accordé, refusé ou ajourné ; vide pour un dossier sans décision (irrecevable si recevable vaut non, "
              "sinon retiré)."), "accordé"),
    Column("montant_accorde", DECISION, AMOUNT, False,
           _l("Montant accordé en euros, obligatoire pour un accord, au plus le montant demandé."), "6 000"),
    Column("instrument", DECISION, CHOICE, False,
           _l("subvention (par défaut), aide en nature, prise de participation (une SCIC seulement) ou avance "
              "remboursable."), "subvention"),
    Column("deliberation_reference", DECISION, TEXT, False,
           _l("Référence de la délibération, obligatoire pour toute décision."), "DEL-2012-114", 120),
    Column("deliberation_date", DECISION, DATE, False, _l("Date de la délibération, obligatoire pour toute décision."),
           "28/09/2012"),
    Column("date_convention", DECISION, DATE, False,
           _l("Date de signature de la convention, s'il y en a une (à partir de la délibération)."), "15/10/2012"),
    Column("emplois_crees", PAYMENTS, NUMBER, False,
           _l("Emplois créés selon le compte-rendu financier, en équivalents temps plein (un accord seulement) : le "
              "compte-rendu est alors enregistré comme accepté."), "1"),
)
BY_NAME = {column.name: column for column in COLUMNS}
PAYMENT_DATE, PAYMENT_AMOUNT = "date_versement_{n}", "montant_versement_{n}"
_PAYMENT = re.compile(r"^(date|montant)_versement_(\d{1,2})$")

OUTCOME_WORDS = {"accorde": GRANTED, "refuse": REFUSED, "ajourne": POSTPONED}
INSTRUMENT_WORDS = {"subvention": GRANT, "aide en nature": IN_KIND, "prise de participation": EQUITY,
                    "avance remboursable": REPAYABLE}
YES_WORDS, NO_WORDS = {"oui"}, {"non"}


def payment_column(name: str) -> tuple[str, int] | None:
    """("date" or "montant", n) for a payment column, n from 1 to MAX_PAYMENTS; None for any other name."""
    match = _PAYMENT.match(name)
    if match is None or not 1 <= int(match.group(2)) <= MAX_PAYMENTS:
        return None
    return match.group(1), int(match.group(2))


def payment_columns(count: int) -> list[str]:
    return [name for n in range(1, count + 1) for name in (PAYMENT_DATE.format(n=n), PAYMENT_AMOUNT.format(n=n))]


def header_name(text: str) -> str:
    """A header cell as the template spells it: « Année » and « ANNEE » are annee, « Date versement 1 » too."""
    name = sort_key(str(text or "").replace("\ufeff", "").strip())
    return re.sub(r"_+", "_", re.sub(r"[\s\-'’.]+", "_", name)).strip("_")


def word(text) -> str:
    """A cell's word as the template compares it: without accents, case or outer spaces (« Accordé » is accorde)."""
    return re.sub(r"\s+", " ", sort_key(str(text or "")).strip())


def template_header(payments: int = 3) -> list[str]:
    """The columns in the template's order: the payments come before the jobs created, as a report follows them."""
    names = [column.name for column in COLUMNS]
    return names[:-1] + payment_columns(payments) + names[-1:]


def write_csv(rows: list[dict], payments: int = 3) -> bytes:
    """A file in the template's shape (UTF-8, « ; » separated), each row a dict by column name."""
    header = template_header(payments)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue().encode("utf-8")
