"""The bilan's figures and supported structures as CSV, XLSX and JSON, made from a snapshot (aap.bilan.figures).

The CSV is one table (rubrique, indicateur, valeur); the workbook has one sheet per section; the JSON is the
snapshot itself in a small envelope. Amounts and rates, strings in the snapshot, become numbers; texts are never
read as formulas (aap.core.exports).
"""
import json
from decimal import Decimal

from flask import Response

from aap.bilan.slugs import call_slug
from aap.core.exports import csv_response, xlsx_response

#: the envelope's own version, apart from the snapshot's "schema"
EXPORT_SCHEMA = 1
FIGURES_HEADER = ["Rubrique", "Indicateur", "Valeur"]
SPLITS = {"strand": "volet", "commune": "commune", "legal_form": "forme juridique", "instrument": "instrument",
          "funder": "financeur"}
SPLITS_HEADER = ["Répartition", "Libellé", "Dossiers reçus", "Dossiers financés", "Montant demandé (€)",
                 "Montant accordé (€)", "Décisions", "Montant des décisions (€)"]
DELAYS = {"decision": "Du dépôt à la décision", "first_payment": "De la décision au premier versement"}
DELAYS_HEADER = ["Délai", "Dossiers", "Médiane (jours)", "90e centile (jours)"]
TRENDS_HEADER = ["Année", "Édition", "Appel", "Enveloppe (€)", "Demandé (€)", "Accordé (€)", "Versé (€)",
                 "Dossiers reçus", "Dossiers financés", "Sursollicitation"]
TREND_FIGURES = [("envelope", "enveloppe (€)"), ("requested", "demandé (€)"), ("granted", "accordé (€)"),
                 ("paid", "versé (€)"), ("received", "dossiers reçus"), ("funded", "dossiers financés"),
                 ("oversubscription", "sursollicitation")]
PATHS_HEADER = ["Parcours (volets dans l'ordre des éditions)", "Structures"]
STRUCTURES_HEADER = ["Structure", "Commune", "Forme juridique", "Volet", "Projet", "Résumé", "Montant (€)",
                     "Instrument"]


def number(value):
    """A snapshot's amount or rate ("12000.00", "34.9") as a Decimal; counts stay ints, None stays None."""
    return Decimal(value) if isinstance(value, str) else value


def file_name(snapshot: dict, extension: str, version: int | None = None, kind: str = "bilan") -> str:
    call = snapshot["call"]
    suffix = f"-v{version}" if version else ""
    return f"{kind}-{call_slug(call['title'], call['year'])}{suffix}.{extension}"


def call_rows(snapshot: dict, version: int | None = None) -> list[list]:
    call = snapshot["call"]
    rows = [["Collectivité", snapshot["authority"]], ["Appel", call["title"]], ["Année", call["year"]],
            ["Édition", call["edition"]], ["Enveloppe (€)", number(call["envelope"])],
            ["Édition en cours", "oui" if call["in_progress"] else "non"], ["Calculé le", snapshot["computed_at"]]]
    return rows + ([["Version publiée", version]] if version else [])


def summary_rows(snapshot: dict) -> list[list]:
    """(rubrique, indicateur, valeur): the funnel, the amounts, the rates, the structures and the jobs."""
    funnel, amounts, rates = snapshot["funnel"], snapshot["amounts"], snapshot["rates"]
    structures, jobs = snapshot["structures"], snapshot["jobs"]
    return [
        ["Dossiers", "Reçus", funnel["received"]], ["Dossiers", "Recevables", funnel["eligible"]],
        ["Dossiers", "Instruits", funnel["reviewed"]], ["Dossiers", "Financés", funnel["funded"]],
        ["Montants (€)", "Demandé", number(amounts["requested"])],
        ["Montants (€)", "Proposé", number(amounts["proposed"])],
        ["Montants (€)", "Accordé", number(amounts["granted"])], ["Montants (€)", "Versé", number(amounts["paid"])],
        ["Montants (€)", "Enveloppe", number(amounts["envelope"])],
        ["Taux", "Taux de réussite (%)", number(rates["success"])],
        ["Taux", "Sursollicitation (demandé ÷ enveloppe)", number(rates["oversubscription"])],
        ["Taux", "Structures soutenues en QPV (%)", number(rates["qpv_share"])],
        ["Taux", "Effet levier (budgets des projets ÷ accordé)", number(rates["leverage"])],
        ["Structures", "Soutenues", structures["supported"]], ["Structures", "En QPV", structures["in_qpv"]],
        ["Structures", "Soutenues pour la première fois", structures["first_time"]],
        ["Structures", "Déjà soutenues lors d'une édition précédente", structures["returning"]],
        ["Structures", "Dossiers financés non nommés (sans accord de publication)", snapshot["supported_unlisted"]],
        ["Emplois (ETP)", "Prévus au dépôt", number(jobs["planned"])],
        ["Emplois (ETP)", "Créés selon les comptes-rendus", number(jobs["created"])],
    ]


def split_rows(snapshot: dict) -> list[list]:
    return [[SPLITS[name], line["label"], line.get("received"), line.get("funded"), number(line.get("requested")),
             number(line.get("granted")), line.get("count"), number(line.get("amount"))]
            for name in SPLITS for line in snapshot["splits"].get(name, [])]


def delay_rows(snapshot: dict) -> list[list]:
    return [[label, snapshot["delays"][name]["count"], snapshot["delays"][name]["median_days"],
             snapshot["delays"][name]["p90_days"]] for name, label in DELAYS.items()]


def trend_rows(snapshot: dict) -> list[list]:
    return [[t["year"], t["edition"], t["title"], number(t["envelope"]), number(t["requested"]),
             number(t["granted"]), number(t["paid"]), t["received"], t["funded"], number(t["oversubscription"])]
            for t in snapshot["trends"]]


def path_rows(snapshot: dict) -> list[list]:
    paths = snapshot["paths"]
    return [["Structures soutenues dans plusieurs éditions", paths["several_times"]],
            *[[" → ".join(pattern["path"]), pattern["count"]] for pattern in paths["patterns"]]]


def commune_rows(snapshot: dict) -> list[list]:
    """Every edition up to this one by commune, in today's territory; a snapshot older than these figures has none."""
    today = snapshot.get("communes_today") or {"rows": []}
    return [["commune, toutes éditions (territoire au " + today["as_of"] + ")", row["label"], row["received"],
             row["funded"], None, number(row["granted"]), None, None] for row in today["rows"]]


def structure_rows(snapshot: dict) -> list[list]:
    return [[s["organisation"], s["commune"], s["legal_form"], s["strand"], s["title"], s["summary"],
             number(s["amount"]), s["instrument"]] for s in snapshot["supported"]]


def figure_rows(snapshot: dict, version: int | None = None) -> list[list]:
    """Every figure as (rubrique, indicateur, valeur), the CSV's one table."""
    rows = [["Appel", *row] for row in call_rows(snapshot, version)] + summary_rows(snapshot)
    rows += [[f"Délais : {label.lower()}", indicator, value] for label, *values in delay_rows(snapshot)
             for indicator, value in zip(DELAYS_HEADER[1:], values, strict=True)]
    for line in split_rows(snapshot) + commune_rows(snapshot):
        rows += [[f"Répartition par {line[0]}", f"{line[1]} : {header.lower()}", value]
                 for header, value in zip(SPLITS_HEADER[2:], line[2:], strict=True) if value is not None]
    for trend in snapshot["trends"]:
        rows += [["Évolution", f"{trend['year']} : {label}", number(trend[key])] for key, label in TREND_FIGURES]
    return rows + [["Parcours", label, count] for label, count in path_rows(snapshot)]


def figures_csv(snapshot: dict, version: int | None = None) -> Response:
    return csv_response(file_name(snapshot, "csv", version), FIGURES_HEADER, figure_rows(snapshot, version))


def structures_csv(snapshot: dict, version: int | None = None) -> Response:
    return csv_response(file_name(snapshot, "csv", version, "structures-soutenues"), STRUCTURES_HEADER,
                        structure_rows(snapshot))


def figures_xlsx(snapshot: dict, version: int | None = None) -> Response:
    sheets = [("Appel", ["Indicateur", "Valeur"], call_rows(snapshot, version)),
              ("Entonnoir et montants", FIGURES_HEADER, summary_rows(snapshot)),
              ("Répartitions", SPLITS_HEADER, split_rows(snapshot) + commune_rows(snapshot)),
              ("Délais", DELAYS_HEADER, delay_rows(snapshot)),
              ("Évolution", TRENDS_HEADER, trend_rows(snapshot)),
              ("Parcours", PATHS_HEADER, path_rows(snapshot)),
              ("Structures soutenues", STRUCTURES_HEADER, structure_rows(snapshot))]
    return xlsx_response(file_name(snapshot, "xlsx", version), sheets)


def envelope(snapshot: dict, version: int | None = None, published_at: str | None = None) -> dict:
    call = snapshot["call"]
    return {"export_schema": EXPORT_SCHEMA,
            "call": {"id": call["id"], "title": call["title"], "year": call["year"],
                     "slug": call_slug(call["title"], call["year"])},
            "version": version, "published_at": published_at, "snapshot": snapshot}


def figures_json(snapshot: dict, version: int | None = None, published_at: str | None = None) -> Response:
    body = json.dumps(envelope(snapshot, version, published_at), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{file_name(snapshot, "json", version)}"'})
