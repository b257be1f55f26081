"""Final report reminders: the financial report is due 6 months after the project's end.

They apply while the holder can still hand it in (the workflow offers `submit_report` from the
dossier's state): 30 days before the due date, then on the day.
"""
import calendar
from datetime import date, datetime, time, timedelta

from aap.core.formatting import PARIS
from aap.dossiers.models import Dossier
from aap.dossiers.notifications import remind_holders
from aap.extensions import db
from aap.notifications.reminders import plan, reminder_kind
from aap.workflow.engine import workflow_of

FINAL_REPORT = "final_report_due"
SUBMIT_REPORT = "submit_report"
REPORT_MONTHS = 6


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def report_due(dossier) -> datetime | None:
    """9:00 Paris time on the due day, or None if no report is awaited from this dossier now."""
    awaited = any(t.name == SUBMIT_REPORT for t in workflow_of(dossier).transitions_from(dossier.state))
    try:
        end = date.fromisoformat(str((dossier.answers or {}).get("end_date", "")))
    except ValueError:
        return None
    if not awaited:
        return None
    return datetime.combine(add_months(end, REPORT_MONTHS), time(9), PARIS)


@reminder_kind(FINAL_REPORT, {"30d": timedelta(days=30), "0d": timedelta(0)})
def send_report_reminder(dossier_id: int, offset: str) -> bool:
    dossier = db.session.get(Dossier, dossier_id)
    due = report_due(dossier) if dossier is not None else None
    if due is None:
        return False
    remind_holders(dossier, FINAL_REPORT, offset, due_on=due.date())
    return True


def plan_after_transition(dossier, **_):
    """Receiver of transition_applied."""
    plan(FINAL_REPORT, dossier.id, report_due(dossier))
