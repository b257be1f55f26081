"""The call's review dashboard for the instruction team: rankings raw and calibrated per strand, and the exports."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from aap.calls.models import Call
from aap.core.exports import csv_response, xlsx_response
from aap.core.listing import page_of, past_the_end, requested_page
from aap.core.permissions import allow, get_or_404, instruction_team
from aap.core.text import sort_key
from aap.review.aggregates import RECOMMENDATIONS
from aap.review.calibration import EXPLANATION
from aap.review.exports import dossiers_sheet, exported_dossiers, reviews_sheet, submitted_reviews
from aap.review.group_names import group_labels
from aap.review.ranking import NO_STRAND, call_ranking, ranked_rows, reviewer_names

bp = Blueprint("ranking", __name__, url_prefix="/instruction/appels/<int:call_id>")
CALIBRATED = "calibre"
PER_PAGE = 50


def _strand_tabs(call, ranking) -> list[tuple[int, object, int]]:
    """(key, strand or None, dossiers) for each strand holding dossiers, in the call's order, "no strand" last."""
    tabs = [(strand.id, strand, len(ranking.strands[strand.id].raw)) for strand in call.strands
            if strand.id in ranking.strands]
    if NO_STRAND in ranking.strands:
        tabs.append((NO_STRAND, None, len(ranking.strands[NO_STRAND].raw)))
    return tabs


def _chosen_strand(tabs, problems: list[str]) -> int | None:
    asked = request.args.get("volet", "")
    known = {str(key): key for key, _strand, _count in tabs}
    if asked and asked not in known:
        problems.append(_("Volet : « %(value)s » n'a aucun dossier déposé dans cet appel ; voici le premier volet.",
                          value=asked))
    return known.get(asked, tabs[0][0] if tabs else None)


@bp.get("/classement")
@allow(instruction_team)
def dashboard(call_id):
    call = get_or_404(Call, call_id)
    calibrated = request.args.get("classement") == CALIBRATED
    ranking = call_ranking(call)
    tabs, problems = _strand_tabs(call, ranking), []
    chosen = _chosen_strand(tabs, problems)
    page = page_of(ranking.order(chosen, calibrated), requested_page(request.args), PER_PAGE)
    problems += [notice for notice in (past_the_end(page),) if notice]
    page.items = ranked_rows(call, current_user, ranking, page.items)
    return render_template("review/ranking.html", call=call, ranking=ranking, calibrated=calibrated, tabs=tabs,
                           chosen=chosen, page=page, problems=problems, explanation=EXPLANATION.translated(_),
                           recommendations={key: label.translated(_) for key, label in RECOMMENDATIONS.items()})


@bp.get("/classement/relecteurs")
@allow(instruction_team)
def habits(call_id):
    call = get_or_404(Call, call_id)
    calibration = call_ranking(call).calibration
    reviewers = calibration.reviewers
    names = reviewer_names(call, reviewers.keys())
    rows = sorted(((names[reviewer_id], reviewers[reviewer_id]) for reviewer_id in reviewers if reviewer_id in names),
                  key=lambda row: sort_key(row[0].name))
    return render_template("review/ranking_habits.html", call=call, rows=rows, group_labels=group_labels(),
                           explanation=EXPLANATION.translated(_),
                           reasons={r.reviewer: r.reason.translated(_) for r in calibration.uncalibrated})


@bp.get("/export.xlsx")
@allow(instruction_team)
def export_xlsx(call_id):
    call = get_or_404(Call, call_id)
    ranking = call_ranking(call)
    return xlsx_response(f"relecture-appel-{call.id}.xlsx", [
        (_("Dossiers"), *dossiers_sheet(call, exported_dossiers(call, current_user), ranking)),
        (_("Relectures"), *reviews_sheet(submitted_reviews(call, current_user), group_labels()))])


@bp.get("/dossiers.csv")
@allow(instruction_team)
def export_dossiers_csv(call_id):
    call = get_or_404(Call, call_id)
    return csv_response(f"dossiers-appel-{call.id}.csv",
                        *dossiers_sheet(call, exported_dossiers(call, current_user), call_ranking(call)))


@bp.get("/relectures.csv")
@allow(instruction_team)
def export_reviews_csv(call_id):
    call = get_or_404(Call, call_id)
    return csv_response(f"relectures-appel-{call.id}.csv",
                        *reviews_sheet(submitted_reviews(call, current_user), group_labels()))
