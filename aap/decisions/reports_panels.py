"""What the final report shows on the dossier page: the report's step and due day, the grant's closing for staff,
and a warning when the organisation has a report overdue on another dossier; the answer to the pages that ask which
organisations have one."""
from aap.core.formatting import PARIS
from aap.core.inputs import ActionForm
from aap.core.models import utcnow
from aap.core.roles import HOLDER
from aap.decisions.access import report_access
from aap.decisions.closing_operations import closing_refusal
from aap.decisions.closing_queries import grant_lines
from aap.decisions.grant_models import DRAFT, REPORT_STATES
from aap.decisions.reports_content import due_on_for
from aap.decisions.reports_operations import authority_decision, awaited, report_of
from aap.decisions.reports_queries import overdue_reports
from aap.dossiers.overdue import overdue_elsewhere
from aap.dossiers.panels import DossierPanel, rendered_panel

#: the warning comes first; the report after the review's panel
OVERDUE_ORDER, REPORT_ORDER = 1, 30


def answer_overdue(sender=None, organisation_ids=(), today=None, **ignored):
    """Receiver of overdue_reports_wanted."""
    return overdue_reports(organisation_ids, today or utcnow().astimezone(PARIS).date())


def overdue_panel(dossier, user, rights, **ignored) -> DossierPanel | None:
    """Staff instructing the dossier, and its holders while they prepare it, read the organisation's late reports."""
    preparing = HOLDER in rights.roles and rights.edit
    if not (rights.staff_view or preparing):
        return None
    reports = overdue_elsewhere(dossier)
    if not reports:
        return None
    return rendered_panel(OVERDUE_ORDER, "decisions/reports/_overdue_panel.html", reports=reports,
                          for_holder=not rights.staff_view)


def report_panel(dossier, user, rights, **ignored) -> DossierPanel | None:
    """The report's step for its holders and staff; the grant's payments and closing for staff."""
    rights = report_access(user, dossier)
    if not rights.read or authority_decision(dossier.id) is None:
        return None
    report = report_of(dossier.id)
    due_on = report.due_on if report is not None else due_on_for(dossier.answers)
    today = utcnow().astimezone(PARIS).date()
    state = report.state if report is not None else DRAFT
    context = {"dossier": dossier, "report": report, "state": state, "state_label": REPORT_STATES[state],
               "due_on": due_on, "awaited": awaited(dossier), "rights": rights,
               "late": state == DRAFT and due_on is not None and due_on < today and awaited(dossier)}
    if rights.review or rights.close:
        lines = grant_lines(dossier.id)
        context.update(lines=lines, closing_refusal=closing_refusal(dossier), close_form=ActionForm(),
                       closed=bool(lines) and all(line.decision.closed_at is not None for line in lines))
    return rendered_panel(REPORT_ORDER, "decisions/reports/_panel.html", **context)
