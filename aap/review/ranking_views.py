"""The call's review dashboard for the instruction team: rankings raw and calibrated per strand, and the exports."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from aap.calls.models import Call
from aap.core.exports import csv_response, xlsx_response
from aap.core.permissions import allow, get_or_404, instruction_team
from aap.review.aggregates import RECOMMENDATIONS
from aap.review.calibration import EXPLANATION
from aap.review.exports import dossiers_sheet, reviews_sheet
from aap.review.group_names import group_labels
from aap.review.ranking import call_review

bp = Blueprint("ranking", __name__, url_prefix="/instruction/appels/<int:call_id>")
CALIBRATED = "calibre"


@bp.get("/classement")
@allow(instruction_team)
def dashboard(call_id):
    call = get_or_404(Call, call_id)
    calibrated = request.args.get("classement") == CALIBRATED
    review = call_review(call, current_user)
    for table in review.tables:
        table.standings.sort(key=lambda s: _rank_key(s.calibrated_rank if calibrated else s.raw_rank, s.dossier.id))
    return render_template("review/ranking.html", call=call, review=review, calibrated=calibrated,
                           explanation=EXPLANATION.translated(_), group_labels=group_labels(),
                           recommendations={key: label.translated(_) for key, label in RECOMMENDATIONS.items()},
                           reasons={r.reviewer: r.reason.translated(_) for r in review.calibration.uncalibrated})


def _rank_key(position, dossier_id):
    return (position is None, position or 0, dossier_id)


@bp.get("/export.xlsx")
@allow(instruction_team)
def export_xlsx(call_id):
    call = get_or_404(Call, call_id)
    review = call_review(call, current_user, details=True)
    return xlsx_response(f"relecture-appel-{call.id}.xlsx", [
        (_("Dossiers"), *dossiers_sheet(call, review)),
        (_("Relectures"), *reviews_sheet(call, review, group_labels()))])


@bp.get("/dossiers.csv")
@allow(instruction_team)
def export_dossiers_csv(call_id):
    call = get_or_404(Call, call_id)
    return csv_response(f"dossiers-appel-{call.id}.csv", *dossiers_sheet(call, call_review(call, current_user)))


@bp.get("/relectures.csv")
@allow(instruction_team)
def export_reviews_csv(call_id):
    call = get_or_404(Call, call_id)
    review = call_review(call, current_user, details=True)
    return csv_response(f"relectures-appel-{call.id}.csv", *reviews_sheet(call, review, group_labels()))
