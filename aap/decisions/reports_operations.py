"""The holder's side of the final report: opened once the workflow awaits it, saved as drafts with its files, then
submitted, which moves the dossier through the workflow's `when: report_submitted` transition. Never commits."""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from aap.core.fingerprints import json_sha256
from aap.core.formatting import date_time
from aap.core.storage import Room, StoredFile
from aap.decisions import lifecycle
from aap.decisions.events import REPORT_SUBMITTED
from aap.decisions.grant_models import ACCEPTED, DRAFT, SUBMITTED, FinalReport
from aap.decisions.models import GRANTED, Decision
from aap.decisions.reports_content import due_on_for, submission_problems
from aap.decisions.reports_models import ReportAttachment
from aap.decisions.reports_notices import tell
from aap.extensions import db
from aap.workflow import audit, engine

#: how many files a report carries, and their total size
MAX_PIECES = 10
MAX_BYTES = 30 * 1024 * 1024
#: the key of the report's fingerprint in the audit record of its submission
SEALED = "final_report"


class ReportRefused(Exception):
    """A report that cannot be saved or submitted now; the French text says why, `problems` what is missing."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message, self.problems = message, problems or []


def authority_decision(dossier_id: int) -> Decision | None:
    """The released, current decision of the authority granting something: the one the workflow follows."""
    return db.session.execute(select(Decision).where(
        Decision.dossier_id == dossier_id, Decision.funder_id.is_(None), Decision.outcome == GRANTED,
        Decision.released_at.is_not(None), Decision.superseded.is_(False)).order_by(Decision.id.desc())
        .limit(1)).scalar_one_or_none()


def awaited(dossier) -> bool:
    """The workflow leaves the dossier's state when a report is submitted: it is waiting for one."""
    return engine.transition_on(dossier, REPORT_SUBMITTED) is not None


def report_of(dossier_id: int, locked: bool = False) -> FinalReport | None:
    query = select(FinalReport).where(FinalReport.dossier_id == dossier_id)
    if locked:
        query = query.execution_options(populate_existing=True)
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
    return db.session.execute(query).scalar_one_or_none()


def open_report(dossier) -> FinalReport:
    """The dossier's report, created as a draft due six months after the project's end if it has none yet."""
    report = report_of(dossier.id)
    if report is None:
        report = FinalReport(dossier_id=dossier.id, state=DRAFT, content={}, due_on=due_on_for(dossier.answers))
        db.session.add(report)
        db.session.flush()
    return report


def locked_report(dossier) -> FinalReport:
    """Take the dossier's row lock, then read its report as it is now: two tabs act one after the other."""
    engine.lock(dossier.id)
    return report_of(dossier.id, locked=True) or open_report(dossier)


def editing_refusal(dossier, report: FinalReport | None) -> str | None:
    """Why the holder may not change the report now, or None."""
    state = report.state if report is not None else DRAFT
    if state == SUBMITTED:
        return _("Le compte-rendu financier a été déposé le %(at)s : il ne se modifie plus, sauf si l'équipe vous "
                 "demande de le reprendre.", at=date_time(report.submitted_at))
    if state == ACCEPTED:
        return _("Le compte-rendu financier a été accepté le %(at)s : il ne se modifie plus.",
                 at=date_time(report.reviewed_at))
    if not awaited(dossier):
        return _("Le compte-rendu financier n'est pas attendu à cette étape du dossier (« %(state)s ») : il se "
                 "remplit une fois la subvention versée, comme le prévoit le circuit de l'appel.",
                 state=engine.workflow_of(dossier).state_label(dossier.state))
    return None


def save_draft(dossier, content: dict, user, stored: StoredFile | None = None) -> FinalReport:
    report = locked_report(dossier)
    refusal = editing_refusal(dossier, report)
    if refusal:
        raise ReportRefused(refusal)
    report.content = content
    if stored is not None:
        join_file(report, stored, user)
    return report


def submit(dossier, content: dict, user, now: datetime, stored: StoredFile | None = None) -> FinalReport:
    """Hand the report in: complete, awaited, once; the workflow moves and staff are told."""
    report = locked_report(dossier)
    if report.state == SUBMITTED:
        raise ReportRefused(_("Ce compte-rendu financier a déjà été déposé le %(at)s : rien n'a été refait.",
                              at=date_time(report.submitted_at)))
    refusal = editing_refusal(dossier, report)
    if refusal:
        raise ReportRefused(refusal)
    problems = submission_problems(content, (dossier.answers or {}).get("budget"), dossier.call.report_indicators)
    if problems:
        raise ReportRefused(_("Le compte-rendu ne peut pas encore être déposé :"), problems)
    report.content, report.state, report.submitted_at, report.submitted_by_id = content, SUBMITTED, now, user.id
    if stored is not None:
        join_file(report, stored, user)
    db.session.flush()
    record = _follow(dossier, user, now)
    _seal(dossier, record, report)
    tell(dossier, record, "instructors", "dossier_submitted", "final_report_review.page")
    return report


def _follow(dossier, user, now: datetime):
    decision = authority_decision(dossier.id)
    if decision is None:
        raise ReportRefused(_("Aucune décision d'attribution publiée n'attend ce compte-rendu."))
    try:
        return lifecycle.follow(decision, REPORT_SUBMITTED, user, now)
    except engine.TransitionRefused as refusal:
        raise ReportRefused(refusal.message) from None


def _seal(dossier, record, report: FinalReport) -> None:
    """The audit record of the submission carries the fingerprint of what was submitted, files included."""
    files = db.session.execute(select(ReportAttachment.file_sha256).where(ReportAttachment.report_id == report.id)
                               .order_by(ReportAttachment.id)).scalars().all()
    seal = {"sha256": json_sha256(report.content), "files": list(files)}
    if record is not None and record.sequence == dossier.audit_count:
        audit.attach(dossier, record, **{SEALED: seal})


def room_for(report: FinalReport | None) -> Room:
    """What one more file may take, within the report's bounds on the number and size of its files."""
    files = [] if report is None else db.session.execute(
        select(ReportAttachment.file_size).where(ReportAttachment.report_id == report.id)).scalars().all()
    if len(files) >= MAX_PIECES:
        return Room(0, _("Un compte-rendu compte au plus %(n)d pièces jointes : retirez-en une avant d'en ajouter "
                         "une autre.", n=MAX_PIECES))
    return Room(MAX_BYTES - sum(files), _("Les pièces du compte-rendu ne peuvent pas dépasser %(n)d Mo au total : "
                                          "retirez une pièce ou envoyez un fichier plus léger.",
                                          n=MAX_BYTES // (1024 * 1024)))


def join_file(report: FinalReport, stored: StoredFile, user) -> ReportAttachment:
    """Join a stored file, the bounds checked again under the lock (another tab may have added one meanwhile)."""
    room = room_for(report)
    if stored.size > room.bytes:
        raise ReportRefused(room.refusal)
    attachment = ReportAttachment(report_id=report.id, stored_file=stored, uploaded_by_id=user.id)
    db.session.add(attachment)
    return attachment


def remove_file(dossier, attachment: ReportAttachment) -> None:
    report = locked_report(dossier)
    refusal = editing_refusal(dossier, report)
    if refusal:
        raise ReportRefused(refusal)
    db.session.delete(attachment)


def set_report_indicators(call, indicators: list[dict]) -> None:
    """The call's own indicators; reports already submitted keep the labels they were answered under."""
    call.report_indicators = [{"key": item["key"], "label": item["label"]} for item in indicators]
