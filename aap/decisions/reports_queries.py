"""Read paths of final reports: the overdue ones of a page's organisations (one query), a report's files."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from aap.decisions.events import REPORT_SUBMITTED
from aap.decisions.grant_models import DRAFT, FinalReport
from aap.decisions.reports_models import ReportAttachment
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.workflow.engine import workflow_of_version
from aap.workflow.models import WorkflowVersion


@dataclass(frozen=True)
class OverdueReport:
    """A final report whose due day passed while its dossier still awaits it."""

    dossier_id: int
    organisation_id: int
    reference: str | None
    title: str
    due_on: date


def _awaits(version: WorkflowVersion, state: str) -> bool:
    return any(t.when == REPORT_SUBMITTED for t in workflow_of_version(version).transitions_from(state))


def overdue_reports(organisation_ids, today: date) -> dict[int, list[OverdueReport]]:
    """The organisations' overdue reports, by organisation, in one query whatever their number."""
    ids = sorted(set(organisation_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(FinalReport.dossier_id, FinalReport.due_on, Dossier.organisation_id, Dossier.reference, Dossier.title,
               Dossier.state, WorkflowVersion)
        .join(Dossier, Dossier.id == FinalReport.dossier_id)
        .join(WorkflowVersion, WorkflowVersion.id == Dossier.workflow_version_id)
        .where(Dossier.organisation_id.in_(ids), FinalReport.state == DRAFT, FinalReport.due_on < today)
        .order_by(FinalReport.due_on, FinalReport.dossier_id)).all()
    found: dict[int, list[OverdueReport]] = {}
    for row in rows:
        if _awaits(row.WorkflowVersion, row.state):
            found.setdefault(row.organisation_id, []).append(
                OverdueReport(row.dossier_id, row.organisation_id, row.reference, row.title, row.due_on))
    return found


def attachments_of(report: FinalReport | None) -> list[ReportAttachment]:
    if report is None:
        return []
    return list(db.session.execute(select(ReportAttachment).where(ReportAttachment.report_id == report.id)
                                   .order_by(ReportAttachment.id)).scalars())
