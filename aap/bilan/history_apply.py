"""The rows an import writes: archived calls with their strands, structures, dossiers at their final state, the
authority's released decisions, agreements, paid tranches and accepted reports, one audit record per dossier.

Everything is written in the caller's transaction and nothing here commits: a refused import leaves no trace.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from aap.bilan.history_marks import IMPORTED
from aap.bilan.history_plan import Plan, PlannedEdition
from aap.bilan.history_rows import RowData
from aap.bilan.models import HistoryImport
from aap.calls.models import Call, Strand
from aap.core.formatting import PARIS
from aap.decisions.grant_models import (
    ACCEPTED,
    AT_NOTIFICATION,
    AT_SIGNATURE,
    PAYMENT_DAYS,
    Agreement,
    FinalReport,
    PaymentTranche,
)
from aap.decisions.models import GRANTED, Decision
from aap.decisions.reports_content import JOBS
from aap.dossiers.models import Dossier
from aap.dossiers.receipts import ReferenceCounter
from aap.extensions import db
from aap.organisations.models import Organisation
from aap.workflow import audit
from aap.workflow.models import WorkflowVersion
from aap.workflow.operations import pin_version

#: references in the application's own format: its counter for the year must pass them
NATIVE_REFERENCE = re.compile(r"^AAP-(\d{4})-(\d{1,9})$")
HUNDRED, CENT = Decimal(100), Decimal("0.01")


@dataclass(frozen=True)
class Source:
    file_name: str
    sha256: str
    rows: int


def noon(day: date) -> datetime:
    """A day known without its hour, as the moment stored: noon in Paris."""
    return datetime.combine(day, time(12)).replace(tzinfo=PARIS).astimezone(timezone.utc)


def apply_plan(plan: Plan, source: Source, user, label: str, now: datetime) -> HistoryImport:
    """Write what the plan says; the caller checked it in the same transaction, after `lock_imports()`."""
    version = pin_version(plan.workflow)
    calls = {(edition.year, edition.number): _call(edition, version) for edition in plan.editions}
    db.session.flush()
    organisations = _organisations(plan)
    dossiers = []
    for edition in plan.editions:
        call = calls[(edition.year, edition.number)]
        strands = {strand.name: strand.id for strand in call.strands}
        dossiers += [(row, _dossier(row, call, version, strands, organisations[id(plan.organisation_of[row.line])],
                                    plan.states[row.line])) for row in edition.rows]
    db.session.flush()
    decisions = [(row, _decision(row, dossier, user)) for row, dossier in dossiers if row.outcome is not None]
    for row, dossier in dossiers:
        audit.append(dossier, transition=IMPORTED, from_state=None, to_state=dossier.state, actor=user, at=now,
                     comment=_import_comment(source, row), holder_visible=False,
                     payload={"imported_from": {"file_name": source.file_name, "sha256": source.sha256,
                                                    "line": row.line}})
    db.session.flush()
    grant_rows: dict = {Agreement: [], PaymentTranche: [], FinalReport: []}
    for row, decision in decisions:
        if row.outcome == GRANTED:
            _grant_life(row, decision, user.id if user else None, now, grant_rows)
    for model, values in grant_rows.items():
        if values:  # nothing reads them back: inserted in bulk
            db.session.execute(insert(model), values)
    _pass_references([row.reference for row, _dossier in dossiers])
    record = HistoryImport(file_name=source.file_name, file_sha256=source.sha256, rows=source.rows,
                           created=plan.counts(), imported_by_id=user.id if user else None, imported_by_label=label,
                           created_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def lock_imports(workflow) -> None:
    """Imports take their turn: two at once would both find a reference free, or the same file not imported yet.

    They queue on the row of the workflow version they pin (SQLite's single writer already queues them).
    """
    try:
        with db.session.begin_nested():
            version = pin_version(workflow)
    except IntegrityError:  # another import pinned it first, and has committed since
        version = pin_version(workflow)
    db.session.execute(select(WorkflowVersion.id).where(WorkflowVersion.id == version.id).with_for_update())


def _import_comment(source: Source, row: RowData) -> str:
    with force_locale("fr"):  # the audit trail is the authority's record, written in French whoever imports
        return _("Dossier importé d'une édition passée : fichier « %(name)s », ligne %(line)d.",
                 name=source.file_name, line=row.line)


def _call(edition: PlannedEdition, version: WorkflowVersion) -> Call:
    """The imported edition: archived, pinned to the workflow its dossiers' states belong to."""
    call = edition.existing
    if call is None:
        days = [row.submitted_on for row in edition.rows]
        call = Call(title=edition.title, year=edition.year, edition=edition.number, state="archived",
                    workflow_name=version.name, workflow_version=version, total_envelope=edition.envelope,
                    funders=[current_app.config["AUTHORITY_NAME"]], opens_at=noon(min(days)) - timedelta(hours=12),
                    closes_at=noon(max(days)) + timedelta(hours=12), eligible_legal_forms=[], eligible_communes=[],
                    required_attachments=[], eligibility_checklist=[], strands=[])
        db.session.add(call)
    known = {strand.name for strand in call.strands}
    for name in edition.strands:
        if name not in known:
            call.strands.append(Strand(name=name, position=len(call.strands)))
    return call


def _organisations(plan: Plan) -> dict[int, int]:
    """The id of each planned structure's row, those to create created as the first row naming them says."""
    new = {id(planned): _organisation(planned.row) for planned in plan.organisations if planned.existing_id is None}
    db.session.add_all(new.values())
    db.session.flush()
    return {id(planned): planned.existing_id or new[id(planned)].id for planned in plan.organisations}


def _organisation(row: RowData) -> Organisation:
    return Organisation(name=row.name, legal_form=row.legal_form, siret=row.siret, rna=row.rna,
                        commune_insee=row.commune.insee_code, in_qpv=row.in_qpv, creation_date=row.created_on)


def _dossier(row: RowData, call: Call, version: WorkflowVersion, strands: dict, organisation_id: int,
             state: str) -> Dossier:
    eligible = row.eligible if row.eligible is not None else (True if row.outcome is not None else None)
    dossier = Dossier(call_id=call.id, organisation_id=organisation_id, strand_id=strands.get(row.strand),
                      reference=row.reference, title=row.title, summary=row.public_summary,
                      requested_amount=row.requested, state=state, answers={}, workflow_version_id=version.id,
                      state_entered_at=noon(_last_day(row)), submitted_at=noon(row.submitted_on), eligible=eligible,
                      project_budget=row.budget, jobs_planned=row.jobs_planned, public_summary=row.public_summary,
                      publication_consent=row.consent, audit_count=0, audit_head="")
    db.session.add(dossier)
    return dossier


def _last_day(row: RowData) -> date:
    """The day the dossier reached its final state, as far as the row tells."""
    days = [row.submitted_on, row.deliberation_date, row.agreement_on, *(p.paid_on for p in row.payments)]
    return max(day for day in days if day is not None)


def _decision(row: RowData, dossier: Dossier, user) -> Decision:
    """The authority's decision, released on the day of its deliberation."""
    moment = noon(row.deliberation_date)
    granted = row.outcome == GRANTED
    decision = Decision(dossier_id=dossier.id, funder_id=None, outcome=row.outcome,
                        instrument=row.instrument if granted else None, amount=row.granted if granted else None,
                        details={}, motivation="", deliberation_reference=row.deliberation_reference,
                        deliberation_date=row.deliberation_date, decided_by_id=user.id if user else None,
                        decided_at=moment, released_at=moment, released_by_id=user.id if user else None)
    if row.fully_paid:
        decision.unspent, decision.closed_at = Decimal(0), noon(row.payments[-1].paid_on)
    db.session.add(decision)
    return decision


def _grant_life(row: RowData, decision: Decision, user_id: int | None, now: datetime, rows: dict) -> None:
    """The agreement, the tranches paid and the accepted report that the row gives, as rows to insert in bulk."""
    if row.agreement_on is not None:
        rows[Agreement].append({"decision_id": decision.id, "signed_on": row.agreement_on,
                                "signature_recorded_by_id": user_id, "signature_recorded_at": now})
    trigger = AT_SIGNATURE if row.agreement_on is not None else AT_NOTIFICATION
    due_on = (row.agreement_on or row.deliberation_date) + timedelta(days=PAYMENT_DAYS)
    with force_locale("fr"):  # the schedule is the authority's record, as the decisions domain writes it
        labels = [_("Versement %(n)d", n=position) for position in range(1, len(row.payments) + 1)]
    rows[PaymentTranche] += [
        {"decision_id": decision.id, "position": position, "label": label, "amount": payment.amount,
         "trigger": trigger, "share_percent": (payment.amount * HUNDRED / row.granted).quantize(CENT),
         "due_on": due_on, "paid_on": payment.paid_on, "paid_recorded_by_id": user_id, "paid_recorded_at": now}
        for position, (label, payment) in enumerate(zip(labels, row.payments, strict=True), start=1)]
    if row.jobs_created is not None:
        reported = noon(row.payments[-1].paid_on if row.payments else row.deliberation_date)
        rows[FinalReport].append({"dossier_id": decision.dossier_id, "state": ACCEPTED, "submitted_at": reported,
                                  "reviewed_at": reported, "reviewed_by_id": user_id,
                                  "content": {"qualitative": {}, "budget": {}, "explanations": {},
                                              "indicators": {JOBS: str(row.jobs_created)}, "indicator_labels": {}}})


def _pass_references(references: list[str]) -> None:
    """A reference written as the application writes them (AAP-2012-0042): the year's counter goes beyond it."""
    highest: dict[int, int] = {}
    for reference in references:
        match = NATIVE_REFERENCE.match(reference)
        if match:
            year, number = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), number)
    for year, number in highest.items():
        counter = db.session.get(ReferenceCounter, year)
        if counter is None:
            db.session.add(ReferenceCounter(year=year, last=number))
        elif counter.last < number:
            counter.last = number
