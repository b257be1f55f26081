"""Every mail, rendered in French and in English, compared with its committed snapshot.

After an intended change: AAP_UPDATE_SNAPSHOTS=1 make test, then review the diff of tests/notifications/snapshots/.
"""
import os
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from aap.mail.rendering import render_parts

SNAPSHOTS = Path(__file__).parent / "snapshots"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"
SUBMITTED = datetime(2021, 10, 30, 22, 59, tzinfo=timezone.utc)
DOSSIER = {"dossier_title": "Épicerie <solidaire> & co", "dossier_number": 42, "organisation": "Association « Le Lien »",
           "call": "Appel à projets ESS 2021", "state": "Déposé", "comment": "", "link": "http://localhost/dossiers/42"}
SAMPLES = {
    "account_exists": {"login_url": "http://localhost/connexion", "reset_url": "http://localhost/mot-de-passe-oublie"},
    "verify_email": {"link": "http://localhost/verification/jeton"},
    "reset_password": {"link": "http://localhost/mot-de-passe/jeton"},
    "invitation": {"link": "http://localhost/invitation/jeton", "role": "reviewer", "inviter": "Camille Martin",
                   "has_password": False, "days": 7},
    "organisation_invitation": {"organisation": "Association « Le Lien »", "inviter": "Awa Diallo",
                                "link": "http://localhost/structures/invitation/jeton", "days": 14},
    "dossier_received": {**DOSSIER, "receipt": {"reference": "AAP-2021-0042", "issued_at": SUBMITTED,
                                                "checksum": "9f86d081884c7d659a2feaa0c55ad015"}},
    "dossier_submitted": DOSSIER,
    "dossier_update": {**DOSSIER, "state": "En instruction", "comment": "Dossier recevable.\nBonne suite.",
                       "unsubscribe_url": "http://localhost/notifications/desabonnement/jeton"},
    "dossier_withdrawn": DOSSIER,
    "info_requested": {**DOSSIER, "comment": "Merci de joindre le budget <signé>.", "due_at": SUBMITTED,
                       "outcome": "Classé sans suite"},
    "decision": {**DOSSIER, "state": "Irrecevable", "comment": "Le budget ne s'équilibre pas de 2 000 €.",
                 "reasons": ["Le budget prévisionnel est équilibré", "Pièces <valides>"]},
    "decision_released": {**DOSSIER, "dossier_reference": "AAP-2026-0042", "funder": "", "outcome": "Accordé",
                          "granted": True, "amount": Decimal("12500"), "instrument": "Subvention (aide en numéraire)",
                          "motivation": "Sous réserve <de la convention>.", "deliberation": "DEL-2026-114",
                          "deliberation_date": date(2026, 6, 12)},
    "dossier_message": {"dossier_title": "Épicerie <solidaire>", "dossier_number": 42, "author": "Awa Diallo",
                        "body": "Voici le RIB.\n<script>alert(1)</script>", "link": "http://localhost/dossiers/42"},
    "draft_reminder": {"dossier_title": "Épicerie <solidaire>", "dossier_number": 42, "call": "Appel à projets ESS 2021",
                       "closes_at": SUBMITTED, "days": 7, "link": "http://localhost/dossiers/42"},
    "final_report_due": {"dossier_title": "Épicerie <solidaire>", "dossier_number": 42, "call": "Appel à projets ESS 2021",
                         "due_on": date(2023, 6, 30), "days": 30, "link": "http://localhost/dossiers/42"},
    "digest": {"day": date(2021, 10, 31), "preferences_url": "http://localhost/notifications/preferences",
               "items": [{"title": "Nouveau message sur le dossier « <b>Épicerie</b> »", "at": SUBMITTED,
                          "link": "http://localhost/dossiers/42"},
                         {"title": "Votre dossier « Ressourcerie » : En instruction", "at": SUBMITTED, "link": None}]},
    "audit_checkpoint": {"number": 12, "taken_at": SUBMITTED, "dossiers": 45, "records": 312,
                         "line": '{"at": "2021-10-30T22:59:00+00:00", "digest": "9f86d081", "dossiers": 45, '
                                 '"number": 12, "previous": "60303ae2", "records": 312, '
                                 '"signature": "<b>2c26b46b</b>"}'},
    "review_assigned": {"call": "Appel à projets <ESS> 2021", "due_at": SUBMITTED,
                        "link": "http://localhost/dossiers?appel=3",
                        "unsubscribe_url": "http://localhost/notifications/desabonnement/jeton",
                        "dossiers": [{"number": 42, "title": "Épicerie <solidaire>", "link": "http://localhost/dossiers/42"},
                                     {"number": 43, "title": "Ressourcerie", "link": "http://localhost/dossiers/43"}]},
    "review_due": {"dossier_title": "Épicerie <solidaire>", "reference": "AAP-2021-0042", "call": "Appel à projets ESS 2021",
                   "due_at": SUBMITTED, "overdue": False, "link": "http://localhost/relectures"},
    "review_declined": {"dossier_title": "Épicerie <solidaire>", "dossier_number": 42, "reference": "AAP-2021-0042",
                        "call": "Appel à projets ESS 2021", "reviewer": "Rémi <Relecteur>",
                        "reason": "Absent tout le mois <b>", "link": "http://localhost/dossiers/42"},
    "committee_convocation": {"session_title": "Comité <b>de printemps</b>", "call": "Appel à projets <ESS> 2021",
                              "starts_at": SUBMITTED, "ends_at": SUBMITTED, "place": "Salle du conseil & co",
                              "video_url": "https://visio.example.org/comite?salle=1&code=<2>", "updated": False,
                              "link": "http://localhost/comite/seances/3"},
    "committee_cancelled": {"session_title": "Comité <b>de printemps</b>", "call": "Appel à projets <ESS> 2021",
                            "starts_at": SUBMITTED, "ends_at": SUBMITTED, "place": "Salle du conseil", "video_url": "",
                            "updated": True, "link": "http://localhost/comite/seances/3"},
    "committee_reminder": {"session_title": "Comité <b>de printemps</b>", "call": "Appel à projets <ESS> 2021",
                           "starts_at": SUBMITTED, "ends_at": SUBMITTED, "place": "", "video_url": "https://visio.example.org/c",
                           "link": "http://localhost/comite/seances/3",
                           "unsubscribe_url": "http://localhost/notifications/desabonnement/jeton"},
    "announcement": {"heading": "Report de la date limite", "author": "Service ESS",
                     "body": "La clôture est reportée au 15 novembre.\n<a href='x'>piège</a>"},
    "minutes_locked": {"minutes_id": 3, "session_title": "Comité <de printemps>", "call": "Appel à projets ESS 2021",
                       "starts_at": SUBMITTED, "version": 2, "replaces": 1,
                       "fingerprint": "9f86d081884c7d659a2feaa0c55ad015",
                       "pdf_link": "http://localhost/comite/seances/4/proces-verbal/2.pdf",
                       "link": "http://localhost/comite/seances/4/proces-verbal/2"},
    "payment_recorded": {"dossier_title": "Épicerie <solidaire>", "dossier_number": 42,
                         "organisation": "Association « Le Lien »", "tranche": "Acompte", "amount": Decimal("14000.50"),
                         "paid_on": date(2021, 11, 30), "reference": "M-2021-<118>", "funder": "",
                         "link": "http://localhost/dossiers/42",
                         "unsubscribe_url": "http://localhost/notifications/desabonnement/jeton"},
    "payment_due": {"late": True, "tranche": "Solde <final>", "amount": Decimal("6000"), "due_on": date(2021, 12, 31),
                    "dossier_title": "Épicerie <solidaire>", "reference": "AAP-2021-0042",
                    "organisation": "Association « Le Lien »", "funder": "Département <93>",
                    "call": "Appel à projets ESS 2021", "link": "http://localhost/decisions/dossiers/42/versements",
                    "unsubscribe_url": "http://localhost/notifications/desabonnement/jeton"},
    "bank_details_changed": {"organisation": "Association « Le Lien »", "changed_by": "Bruno <Trésorier>",
                             "changed_at": SUBMITTED, "iban_end": "2606", "previous_iban_end": "0189",
                             "holder_name": "Association <Le Lien>", "bic": "PSSTFRPPPAR",
                             "link": "http://localhost/decisions/dossiers/42/coordonnees-bancaires"},
}


def _rendered(template: str, locale: str) -> str:
    recipient = SimpleNamespace(display_name="Awa <Diallo>")
    subject, text, html = render_parts(template, locale, {"recipient": recipient, **SAMPLES[template]})
    return f"Subject: {subject}\n\n{text}\n----- HTML -----\n{html.strip()}\n"


def test_every_mail_template_has_a_sample():
    templates = {path.stem for path in TEMPLATES.glob("*.txt") if not path.stem.startswith("_")}
    assert templates == set(SAMPLES)


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("template", sorted(SAMPLES))
def test_mail_matches_its_snapshot(app, template, locale):
    path = SNAPSHOTS / f"{template}.{locale}.txt"
    with app.app_context():
        rendered = _rendered(template, locale)
    if os.environ.get("AAP_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(rendered)
    assert path.exists(), f"no snapshot {path.name}: run with AAP_UPDATE_SNAPSHOTS=1 and review it"
    assert rendered == path.read_text()
    assert "<script>" not in rendered.split("----- HTML -----")[1]
