"""The values an agreement template may use: their names and descriptions, a sample, and those of one decision.

The values are plain strings, numbers, booleans and lists of plain dicts, built here: a template never sees a model.
"""
from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aap.decisions.grant_models import AGREEMENT_THRESHOLD, TRIGGERS, PaymentTranche
from aap.decisions.letters_words import amount_in_words, authority_name, paris_day
from aap.decisions.models import EQUITY, IN_KIND, INSTRUMENTS, REPAYABLE
from aap.decisions.templating import Catalogue
from aap.dossiers.report_reminders import REPORT_MONTHS, add_months
from aap.extensions import db
from aap.organisations.communes import commune_name
from aap.organisations.forms import LEGAL_FORM_LABELS

VALUES = {
    "autorite": _l("Qui accorde l'aide : la collectivité qui porte l'appel, ou le cofinanceur"),
    "appel": _l("Le titre de l'appel à projets"),
    "appel_annee": _l("L'année de l'appel"),
    "volet": _l("Le volet du dossier (vide s'il n'en a pas)"),
    "structure": _l("Le nom de la structure bénéficiaire"),
    "structure_forme_juridique": _l("Sa forme juridique"),
    "structure_adresse": _l("Son adresse"),
    "structure_commune": _l("Sa commune"),
    "structure_siret": _l("Son numéro SIRET (vide s'il manque)"),
    "structure_rna": _l("Son numéro RNA (vide s'il manque)"),
    "dossier_reference": _l("La référence du dossier"),
    "projet_titre": _l("Le titre du projet"),
    "projet_resume": _l("La description du projet"),
    "projet_debut": _l("La date de début du projet (à mettre en forme avec |date ; vide si inconnue)"),
    "projet_fin": _l("La date de fin du projet (|date ; vide si inconnue)"),
    "compte_rendu_avant": _l("La date limite du compte-rendu financier, six mois après la fin du projet (|date)"),
    "instrument": _l("La forme de l'aide (subvention, aide en nature…)"),
    "montant": _l("Le montant accordé, en euros (à mettre en forme avec |money)"),
    "montant_en_lettres": _l("Le montant accordé, en toutes lettres"),
    "montant_demande": _l("Le montant demandé, en euros (|money)"),
    "aide_en_nature": _l("Pour une aide en nature : sa description"),
    "nombre_parts": _l("Pour une prise de participation : le nombre de parts"),
    "valeur_part": _l("Pour une prise de participation : la valeur d'une part (|money)"),
    "deliberation_reference": _l("La référence de la délibération"),
    "deliberation_date": _l("La date de la délibération (|date)"),
    "date_notification": _l("La date de publication de la décision (|date)"),
    "convention_obligatoire": _l("Vrai au-delà de 23 000 € (loi du 12 avril 2000, art. 10)"),
    "seuil_convention": _l("Le seuil de la convention obligatoire : 23 000 (|money)"),
    "date_du_jour": _l("La date à laquelle la convention est générée (|date)"),
}
LISTS = {
    "echeances": {"libelle": _l("Le nom de la tranche (acompte, solde…)"), "part": _l("Sa part, en pourcentage"),
                  "montant": _l("Son montant (|money)"), "declencheur": _l("Ce qui la déclenche")},
    "remboursements": {"echeance": _l("La date du remboursement (|date)"), "montant": _l("Son montant (|money)")},
}
LIST_LABELS = {"echeances": _l("Les tranches de versement"),
               "remboursements": _l("Pour une avance remboursable : l'échéancier de remboursement")}
CATALOGUE = Catalogue(values=VALUES, lists=LISTS, list_labels=LIST_LABELS)

SAMPLE = {
    "autorite": "Plaine Commune", "appel": "Appel à projets ESS", "appel_annee": 2026, "volet": "Création",
    "structure": "Association Les Jardins du Canal", "structure_forme_juridique": "Association loi 1901",
    "structure_adresse": "12 rue du Canal", "structure_commune": "Saint-Denis", "structure_siret": "73282932000074",
    "structure_rna": "W931234567", "dossier_reference": "AAP-2026-0042", "projet_titre": "Jardin partagé du Canal",
    "projet_resume": "Un jardin partagé ouvert aux habitants du quartier.", "projet_debut": "2026-01-01",
    "projet_fin": "2026-12-31", "compte_rendu_avant": "2027-06-30",
    "instrument": "Subvention (aide en numéraire)", "montant": Decimal("30000"),
    "montant_en_lettres": "trente mille euros", "montant_demande": Decimal("35000"), "aide_en_nature": "",
    "nombre_parts": 0, "valeur_part": Decimal(0), "deliberation_reference": "CT-2026-118",
    "deliberation_date": "2026-03-17", "date_notification": "2026-03-20", "convention_obligatoire": True,
    "seuil_convention": AGREEMENT_THRESHOLD, "date_du_jour": "2026-03-24",
    "echeances": [{"libelle": "Acompte", "part": Decimal(70), "montant": Decimal(21000),
                   "declencheur": "à la signature de la convention"},
                  {"libelle": "Solde", "part": Decimal(30), "montant": Decimal(9000),
                   "declencheur": "après le compte-rendu financier"}],
    "remboursements": [{"echeance": "2028-06-30", "montant": Decimal(15000)},
                       {"echeance": "2029-06-30", "montant": Decimal(15000)}],
}


def tranches_of(decision) -> list[PaymentTranche]:
    return list(db.session.execute(
        select(PaymentTranche).where(PaymentTranche.decision_id == decision.id, PaymentTranche.cancelled.is_(False))
        .order_by(PaymentTranche.position)).scalars())


def _iso(value) -> str:
    return value.isoformat() if value is not None else ""


def _answer_day(dossier, key: str) -> date | None:
    try:
        return date.fromisoformat(str((dossier.answers or {}).get(key, "")))
    except ValueError:
        return None


def values_for(decision, today: date) -> dict:
    """The values of this decision's agreement, in French: plain data only."""
    dossier, details = decision.dossier, decision.details or {}
    organisation, end = dossier.organisation, _answer_day(dossier, "end_date")
    amount = decision.amount or Decimal(0)
    with force_locale("fr"):  # the agreement is the authority's act, in French
        values = {
            "autorite": authority_name(decision), "appel": dossier.call.title, "appel_annee": dossier.call.year,
            "volet": dossier.strand.name if dossier.strand else "", "structure": organisation.name,
            "structure_forme_juridique": str(LEGAL_FORM_LABELS.get(organisation.legal_form, organisation.legal_form)),
            "structure_adresse": organisation.address, "structure_commune": commune_name(organisation.commune_insee),
            "structure_siret": organisation.siret or "", "structure_rna": organisation.rna or "",
            "dossier_reference": dossier.reference or "", "projet_titre": dossier.title,
            "projet_resume": dossier.summary, "projet_debut": _iso(_answer_day(dossier, "start_date")),
            "projet_fin": _iso(end), "compte_rendu_avant": _iso(add_months(end, REPORT_MONTHS) if end else None),
            "instrument": str(INSTRUMENTS.get(decision.instrument, "")), "montant": amount,
            "montant_en_lettres": amount_in_words(amount), "montant_demande": dossier.requested_amount or Decimal(0),
            **_instrument_values(decision.instrument, details),
            "deliberation_reference": decision.deliberation_reference,
            "deliberation_date": _iso(decision.deliberation_date),
            "date_notification": _iso(paris_day(decision.released_at)),
            "convention_obligatoire": amount > AGREEMENT_THRESHOLD, "seuil_convention": AGREEMENT_THRESHOLD,
            "date_du_jour": today.isoformat(),
            "echeances": [{"libelle": tranche.label, "part": tranche.share_percent, "montant": tranche.amount,
                           "declencheur": str(TRIGGERS.get(tranche.trigger, tranche.trigger))}
                          for tranche in tranches_of(decision)],
        }
    return values


def _instrument_values(instrument: str | None, details: dict) -> dict:
    repayments = (details.get("repayments") or []) if instrument == REPAYABLE else []
    return {"aide_en_nature": str(details.get("description", "")) if instrument == IN_KIND else "",
            "nombre_parts": int(details.get("shares") or 0) if instrument == EQUITY else 0,
            "valeur_part": Decimal(str(details.get("share_value") or 0)) if instrument == EQUITY else Decimal(0),
            "remboursements": [{"echeance": str(row.get("due_on", "")), "montant": Decimal(str(row.get("amount", 0)))}
                               for row in repayments]}
