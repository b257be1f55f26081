"""The final report is due six months after the project's end: reminders to the holder 30 days before, on the day
and 15 days after it passed, while the workflow awaits it (a transition `when: report_submitted` leaves the dossier's
state) and the report is still a draft."""
from datetime import datetime, time, timedelta

from aap.core.formatting import PARIS
from aap.core.urls import external_url
from aap.decisions.grant_models import DRAFT
from aap.decisions.reports_operations import awaited, open_report, report_of
from aap.dossiers.models import Dossier
from aap.dossiers.notifications import recipients
from aap.extensions import db
from aap.notifications.operations import notify
from aap.notifications.reminders import plan, reminder_kind

FINAL_REPORT = "final_report_due"
#: offset name → how long before the due day the reminder leaves (negative: after it)
OFFSETS = {"30d": timedelta(days=30), "0d": timedelta(0), "-15d": timedelta(days=-15)}


def report_due(dossier) -> datetime | None:
    """9:00 Paris time on the report's due day, or None if no report is awaited from this dossier now."""
    if not awaited(dossier):
        return None
    report = report_of(dossier.id)
    if report is None or report.state != DRAFT or report.due_on is None:
        return None
    return datetime.combine(report.due_on, time(9), PARIS)


@reminder_kind(FINAL_REPORT, OFFSETS)
def send_report_reminder(dossier_id: int, offset: str) -> bool:
    dossier = db.session.get(Dossier, dossier_id)
    due = report_due(dossier) if dossier is not None else None
    if due is None:
        return False
    for user in recipients(dossier, "holder"):
        notify(user, FINAL_REPORT, link=external_url("final_reports.page", dossier_id=dossier.id),
               key=f"{FINAL_REPORT}:{dossier.id}:{offset}:{user.id}", dossier_title=dossier.title or f"n° {dossier.id}",
               dossier_number=dossier.id, call=str(dossier.call), days=int(offset.removesuffix("d")),
               due_on=due.date())
    return True


def follow_transition(dossier, **_):
    """Receiver of transition_applied: the report opens when the workflow comes to await it; reminders follow."""
    if awaited(dossier):
        open_report(dossier)
    plan(FINAL_REPORT, dossier.id, report_due(dossier))
