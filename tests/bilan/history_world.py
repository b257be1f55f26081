"""Files of past editions for the tests: a valid row to start from, written as CSV or XLSX, and the import run."""
import csv
import io
from datetime import datetime, timezone

from openpyxl import Workbook

from aap.bilan.history_operations import DEFAULT_WORKFLOW, import_file, read_file
from aap.bilan.history_template import template_header
from aap.demo_history import luhn_siret

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc)
#: SIRETs whose key is right, for the tests' structures
SIRET_A, SIRET_B, SIRET_C = luhn_siret(70001), luhn_siret(70002), luhn_siret(70003)
#: La Poste's establishments: their key follows a rule of their own (digits summing to a multiple of 5)
LA_POSTE = "35600000049837"


def row(**changes) -> dict:
    """A granted, agreed, fully paid dossier of the 2012 edition, with its report: every column filled in."""
    values = {"annee": "2012", "numero_edition": "6", "intitule_appel": "AAP ESS test — 6e édition",
              "enveloppe": "40 000", "volet": "Création", "structure": "Atelier Vélo test", "siret": SIRET_A,
              "rna": "W931000123", "forme_juridique": "association", "commune": "93066", "qpv": "oui",
              "date_creation": "15/01/2009", "reference": "HT-2012-001", "titre_projet": "Atelier de réparation",
              "resume_public": "Un atelier où chacun répare son vélo.", "consentement_publication": "oui",
              "date_depot": "12/05/2012", "montant_demande": "8 000", "budget_projet": "24 000",
              "emplois_prevus": "1,5", "recevable": "oui", "decision": "accordé", "montant_accorde": "6 000",
              "instrument": "subvention", "deliberation_reference": "DEL-2012-114", "deliberation_date": "28/09/2012",
              "date_convention": "15/10/2012", "date_versement_1": "12/11/2012", "montant_versement_1": "4 200",
              "date_versement_2": "20/11/2013", "montant_versement_2": "1 800", "emplois_crees": "2"}
    values.update(changes)
    return values


def refused(**changes) -> dict:
    return row(**{"decision": "refusé", "montant_accorde": "", "instrument": "", "date_convention": "",
                  "date_versement_1": "", "montant_versement_1": "", "date_versement_2": "",
                  "montant_versement_2": "", "emplois_crees": "", **changes})


def csv_bytes(rows: list[dict], delimiter: str = ";", header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    header = header or template_header(2)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(name, "") for name in header])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    """A workbook whose first sheet holds these rows as they are (numbers, dates, text)."""
    book = Workbook()
    sheet = book.active
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview(data: bytes, workflow: str = DEFAULT_WORKFLOW):
    return read_file(data, workflow, NOW)


def run(data: bytes, name: str = "historique.csv", user=None, workflow: str = DEFAULT_WORKFLOW):
    return import_file(data, name, workflow, user, user.email if user else "tests", NOW)


def messages(problems) -> list[str]:
    return [str(problem) for problem in problems]
