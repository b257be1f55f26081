"""The decision letter (PDF) that goes to the holder: who decided, what, on which deliberation, and what comes next.

It is made from the decision as it stands, in French (the authority's act, whoever reads it), every value escaped by
the page template. The release mail carries it as an attachment made at delivery (`letter_attachment`).
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import force_locale

from aap.core.pdf import pdf_bytes
from aap.decisions.agreement_values import tranches_of
from aap.decisions.grant_models import AGREEMENT_THRESHOLD, TRIGGERS
from aap.decisions.letters_words import amount_in_words, authority_name, paris_day
from aap.decisions.models import EQUITY, GRANT, GRANTED, IN_KIND, INSTRUMENTS, OUTCOMES, REPAYABLE, Decision
from aap.extensions import db
from aap.mail.attachments import attachment, attachment_builder
from aap.organisations.communes import commune_name

LETTER = "decision_letter"


@dataclass(frozen=True)
class Repayment:
    due_on: date | None
    amount: Decimal


@dataclass(frozen=True)
class Tranche:
    label: str
    share_percent: Decimal
    amount: Decimal
    trigger: str


@dataclass(frozen=True)
class LetterFacts:
    """What the letter says, as plain values read once from the decision."""

    authority: str
    organisation: str
    address: str
    commune: str
    reference: str
    title: str
    call: str
    outcome: str
    outcome_label: str
    instrument: str | None
    instrument_label: str
    amount: Decimal | None
    amount_words: str
    motivation: str
    deliberation_reference: str
    deliberation_date: date
    released_on: date | None
    in_kind_description: str
    shares: int
    share_value: Decimal | None
    repayments: list[Repayment]
    tranches: list[Tranche]
    agreement_required: bool

    @property
    def granted(self) -> bool:
        return self.outcome == GRANTED

    @property
    def is_grant(self) -> bool:
        return self.granted and self.instrument == GRANT


def letter_facts(decision: Decision) -> LetterFacts:
    dossier, details = decision.dossier, decision.details or {}
    granted = decision.outcome == GRANTED
    amount = decision.amount if granted else None
    return LetterFacts(
        authority=authority_name(decision), organisation=dossier.organisation.name,
        address=dossier.organisation.address, commune=commune_name(dossier.organisation.commune_insee),
        reference=dossier.reference or "", title=dossier.title, call=str(dossier.call), outcome=decision.outcome,
        outcome_label=str(OUTCOMES.get(decision.outcome, decision.outcome)), instrument=decision.instrument,
        instrument_label=str(INSTRUMENTS.get(decision.instrument, "")) if granted else "", amount=amount,
        amount_words=amount_in_words(amount) if amount is not None else "", motivation=decision.motivation.strip(),
        deliberation_reference=decision.deliberation_reference, deliberation_date=decision.deliberation_date,
        released_on=paris_day(decision.released_at),
        in_kind_description=str(details.get("description", "")) if decision.instrument == IN_KIND else "",
        shares=int(details.get("shares") or 0) if decision.instrument == EQUITY else 0,
        share_value=Decimal(str(details["share_value"])) if decision.instrument == EQUITY
        and details.get("share_value") is not None else None,
        repayments=_repayments(details) if decision.instrument == REPAYABLE else [],
        tranches=[Tranche(t.label, t.share_percent, t.amount, str(TRIGGERS.get(t.trigger, t.trigger)))
                  for t in tranches_of(decision)] if granted else [],
        agreement_required=granted and decision.instrument == GRANT and (amount or 0) > AGREEMENT_THRESHOLD)


def _repayments(details: dict) -> list[Repayment]:
    rows = []
    for row in details.get("repayments") or []:
        try:
            due_on = date.fromisoformat(str(row.get("due_on", "")))
        except ValueError:
            due_on = None
        rows.append(Repayment(due_on, Decimal(str(row.get("amount", 0)))))
    return rows


def decision_letter(decision: Decision) -> bytes:
    """The letter as a PDF; a decision not released yet prints as a draft, for the staff who prepare it."""
    with force_locale("fr"):
        facts = letter_facts(decision)
        return pdf_bytes("decisions/letters/letter_pdf.html", facts=facts, threshold=AGREEMENT_THRESHOLD)


def letter_filename(decision: Decision) -> str:
    reference = decision.dossier.reference or f"dossier-{decision.dossier_id}"
    return f"decision-{reference}-{decision.id}.pdf"


def letter_attachment(decision: Decision) -> dict:
    """What a mail stores to carry the decision letter, made when the mail leaves."""
    return attachment(LETTER, letter_filename(decision), "application/pdf", decision_id=decision.id)


@attachment_builder(LETTER)
def letter_pdf(*, decision_id: int) -> bytes:
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        raise ValueError("décision supprimée avant l'envoi de son courrier")
    if not decision.released:
        raise ValueError("décision retirée de la publication avant l'envoi de son courrier")
    return decision_letter(decision)


ATTACHMENT_BUILDERS = (letter_pdf,)
