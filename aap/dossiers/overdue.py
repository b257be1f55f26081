"""Final reports overdue elsewhere: a holder applying again is warned, and so are the staff instructing the
organisation's other dossiers. The domain that keeps the reports answers through a signal."""
from aap.core.formatting import PARIS
from aap.core.models import utcnow
from aap.core.signals import overdue_reports_wanted


def overdue_by_organisation(organisation_ids) -> dict[int, list]:
    """{organisation_id: [overdue report…]} for the page's organisations, in one query per receiver."""
    ids = sorted(set(organisation_ids))
    found: dict[int, list] = {}
    if not ids:
        return found
    today = utcnow().astimezone(PARIS).date()
    for _receiver, answer in overdue_reports_wanted.send(None, organisation_ids=ids, today=today):
        for organisation_id, reports in (answer or {}).items():
            found.setdefault(organisation_id, []).extend(reports)
    return found


def overdue_elsewhere(dossier) -> list:
    """The organisation's overdue reports, but this dossier's own."""
    reports = overdue_by_organisation([dossier.organisation_id]).get(dossier.organisation_id, [])
    return [report for report in reports if report.dossier_id != dossier.id]
