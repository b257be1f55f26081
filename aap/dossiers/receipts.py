"""Receipts: a reference such as AAP-2021-0042, the time of submission and a checksum of what was submitted."""
import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.fingerprints import json_sha256
from aap.core.models import UTCDateTime
from aap.extensions import db
from aap.questionnaire.budget import amount, totals
from aap.workflow import audit
from aap.workflow.registry import effect


class ReferenceCounter(db.Model):
    """The last reference number given for a year; incremented in one statement, never twice the same."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Receipt(db.Model):
    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("dossier_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(20), index=True)
    #: the audit record of the submission this receipt acknowledges
    sequence: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: sha256 of `content`, the submitted dossier as it was; also sealed in the audit record of `sequence`
    checksum: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict] = mapped_column(JSON)

    dossier = relationship("Dossier")

    def can(self, action: str, user) -> bool:
        return self.dossier.can("view", user)


def next_reference(year: int) -> str:
    for _attempt in range(3):
        number = db.session.execute(update(ReferenceCounter).where(ReferenceCounter.year == year)
                                    .values(last=ReferenceCounter.last + 1).returning(ReferenceCounter.last)).scalar()
        if number is not None:
            return f"AAP-{year}-{number:04d}"
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceCounter(year=year, last=0))
        except IntegrityError:
            pass  # another submission created the year's counter first: use it
    raise RuntimeError("no reference counter")


def organisation_details(organisation) -> dict:
    """The rest of the organisation's identity as it stood, so that a receipt shows it as submitted."""
    return {"legal_form": organisation.legal_form, "address": organisation.address,
            "commune_insee": organisation.commune_insee, "in_qpv": organisation.in_qpv,
            "creation_date": organisation.creation_date.isoformat() if organisation.creation_date else None,
            "paid_staff_fte": str(organisation.paid_staff_fte) if organisation.paid_staff_fte is not None else None,
            "volunteers": organisation.volunteers}


def submitted_content(dossier) -> dict:
    organisation = dossier.organisation
    return {
        "reference": dossier.reference, "call": str(dossier.call), "organisation": organisation.name,
        "siret": organisation.siret, "rna": organisation.rna,
        "organisation_details": organisation_details(organisation), "title": dossier.title, "summary": dossier.summary,
        "requested_amount": str(dossier.requested_amount) if dossier.requested_amount is not None else None,
        "strand": dossier.strand.name if dossier.strand else None,
        "publication": dossier.publication(),
        "attachments": [{"kind": a.kind, "name": a.file_name, "size": a.file_size, "sha256": a.file_sha256}
                        for a in dossier.attachments],
        # the questionnaire as answered, in the JSON form it is stored in, so the checksum covers it too
        "form_version": dossier.form_version_id,
        "answers": json.loads(json.dumps(dossier.answers or {}, default=str)),
    }


def record_submitted_figures(dossier, now) -> None:
    """What the bilan sums: the first submission's date, the budget's charges and the jobs as last submitted."""
    answers = dossier.answers or {}
    budget = answers.get("budget") if isinstance(answers.get("budget"), dict) else {}
    charges, _produits = totals(budget)
    dossier.submitted_at = dossier.submitted_at or now
    dossier.project_budget = charges or None
    jobs = amount(answers.get("jobs_created"))
    dossier.jobs_planned = jobs if answers.get("jobs_created") not in (None, "") else None


# a write, yet not in operations.py: an effect of the workflow, run inside the transition that issues it
@effect("issue_receipt", check=lambda params: ["cet effet ne prend pas de paramètre"] if params else [])
def issue_receipt(context) -> None:
    dossier = context.dossier
    if not dossier.reference:
        dossier.reference = next_reference(dossier.call.year)
    record_submitted_figures(dossier, context.now)
    content = {**submitted_content(dossier), "submitted_at": context.now.isoformat(timespec="seconds")}
    context.receipt = Receipt(dossier_id=dossier.id, reference=dossier.reference, sequence=context.record.sequence,
                              issued_at=context.now, checksum=json_sha256(content), content=content)
    db.session.add(context.receipt)
    # the transition's record carries the receipt, so that altering or removing the receipt breaks the chain
    audit.attach(dossier, context.record,
                 receipt={"reference": dossier.reference, "checksum": context.receipt.checksum})


def receipt_problems(_sender, records: dict[int, list]) -> list[tuple[int, int, str]]:
    """Receiver of audit_chains_checked: each receipt matches the record that issued it; none went missing."""
    receipts: dict[int, list] = {dossier_id: [] for dossier_id in records}
    for receipt in db.session.execute(db.select(Receipt).where(Receipt.dossier_id.in_(list(records)))).scalars():
        receipts[receipt.dossier_id].append(receipt)
    problems = []
    for dossier_id, chain in records.items():
        by_sequence = {record.sequence: record for record in chain}
        issued = {record.sequence for record in chain if "receipt" in record.payload}
        for receipt in receipts[dossier_id]:
            issued.discard(receipt.sequence)
            problem = _receipt_problem(receipt, by_sequence.get(receipt.sequence))
            if problem:
                problems.append((dossier_id, receipt.sequence, problem))
        problems += [(dossier_id, sequence, "l'accusé de réception de cet enregistrement a été supprimé")
                     for sequence in sorted(issued)]
    return problems


def _receipt_problem(receipt: Receipt, record) -> str | None:
    sealed = record.payload.get("receipt") if record is not None else None
    if sealed != {"reference": receipt.reference, "checksum": receipt.checksum} or receipt.issued_at != record.at:
        return f"l'accusé de réception {receipt.reference} ne correspond pas au journal (modifié)"
    if json_sha256(receipt.content) != receipt.checksum:
        return f"le contenu de l'accusé de réception {receipt.reference} a été modifié"
    return None
