"""Staff review the submitted final report: accepted (what was not spent recorded, the balance's clock started, the
dossier closed once complete) or returned to the holder with what to change. Never commits."""
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _

from aap.core.formatting import PARIS, date_time
from aap.decisions import lifecycle
from aap.decisions.closing_operations import close_when_complete, settle_unspent, settlement_text, unspent_refusal
from aap.decisions.events import REPORT_ACCEPTED, REPORT_RETURNED
from aap.decisions.grant_models import (
    ACCEPTED,
    AFTER_REPORT,
    DRAFT,
    RETURNED,
    FinalReport,
)
from aap.decisions.payments_plan import start_clock
from aap.decisions.reports_notices import tell
from aap.decisions.reports_operations import ReportRefused, authority_decision, locked_report
from aap.extensions import db
from aap.workflow import audit, engine

MAX_COMMENT = 5000
ACCEPTED_MARK, RETURNED_MARK = "final_report_accepted", "final_report_returned"


class UnspentRefused(ReportRefused):
    """An unspent amount that cannot be recorded; `decision_id` names the line at fault."""

    def __init__(self, message: str, decision_id: int):
        super().__init__(message)
        self.decision_id = decision_id


def _check_submitted(report: FinalReport) -> None:
    if report.state == ACCEPTED:
        raise ReportRefused(_("Ce compte-rendu a déjà été accepté le %(at)s : rien n'a été refait.",
                              at=date_time(report.reviewed_at)))
    if report.state == RETURNED:
        raise ReportRefused(_("Ce compte-rendu a déjà été renvoyé au porteur le %(at)s : il attend sa nouvelle "
                              "version.", at=date_time(report.reviewed_at)))
    if report.state == DRAFT:
        raise ReportRefused(_("Ce compte-rendu n'a pas encore été déposé : il n'y a rien à examiner."))


def _clean_comment(comment: str | None, required: bool) -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise ReportRefused(_("Dites au porteur ce qu'il doit reprendre dans son compte-rendu."))
    if len(comment) > MAX_COMMENT:
        raise ReportRefused(_("Le commentaire dépasse %(n)d caractères.", n=MAX_COMMENT))
    return comment


def _follow(dossier, event: str, mark: str, user, now: datetime, comment: str):
    """The authority's decision moves the workflow; without a step to take, the chain records the review itself."""
    decision = authority_decision(dossier.id)
    record = None
    try:
        record = lifecycle.follow(decision, event, user, now, {"comment": comment}) if decision else None
    except engine.TransitionRefused as refusal:
        raise ReportRefused(refusal.message) from None
    if record is None:
        record = audit.append(dossier, transition=mark, from_state=dossier.state, to_state=dossier.state,
                              actor=user, at=now, comment=comment)
    return record


def accept(dossier, user, now: datetime, unspent: dict[int, Decimal | None], comment: str = "") -> FinalReport:
    """Accept the report: unspent amounts settled, the balance's clock started, the dossier closed if complete."""
    report = locked_report(dossier)
    _check_submitted(report)
    comment = _clean_comment(comment, required=False)
    decisions = lifecycle.granted_decisions(dossier.id)
    for decision in decisions:
        refusal = unspent_refusal(decision, unspent.get(decision.id))
        if refusal:
            raise UnspentRefused(refusal, decision.id)
    settlements = [settle_unspent(decision, unspent.get(decision.id) or Decimal(0), user, now)
                   for decision in decisions]
    report.state, report.reviewed_at, report.reviewed_by_id = ACCEPTED, now, user.id
    for decision in decisions:
        start_clock(decision, AFTER_REPORT, now.astimezone(PARIS).date(), now)
    db.session.flush()
    summary = " ".join(part for part in (comment, settlement_text(settlements)) if part)
    record = _follow(dossier, REPORT_ACCEPTED, ACCEPTED_MARK, user, now, summary)
    tell(dossier, record, "holder", "dossier_update", "final_reports.page", summary)
    close_when_complete(dossier, user, now)
    return report


def return_to_holder(dossier, user, now: datetime, comment: str) -> FinalReport:
    """Send the report back with what to change; the holder edits it and submits it again."""
    report = locked_report(dossier)
    _check_submitted(report)
    comment = _clean_comment(comment, required=True)
    report.state, report.review_comment = RETURNED, comment
    report.reviewed_at, report.reviewed_by_id = now, user.id
    db.session.flush()
    record = _follow(dossier, REPORT_RETURNED, RETURNED_MARK, user, now, comment)
    tell(dossier, record, "holder", "info_requested", "final_reports.page", comment)
    return report
