"""The instruction's pages: the calls a person instructs, then each call's list of dossiers, filtered in the address."""
from decimal import Decimal

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from aap.calls.models import Call
from aap.core.listing import past_the_end, requested_page, requested_sort
from aap.core.permissions import allow, instruction_team
from aap.dossiers.overdue import overdue_by_organisation
from aap.extensions import db
from aap.organisations.communes import all_communes, commune_name, current_communes
from aap.review import instruction_queries as queries
from aap.review.aggregates import DIVERGENCE_GAP
from aap.review.instruction_filters import is_filtered, read_filters
from aap.review.scoring import shown
from aap.workflow.engine import workflow_of_version

bp = Blueprint("instruction_list", __name__, url_prefix="/instruction")
SORTS = ("reference", "title", "organisation", "strand", "commune", "amount", "state", "reviews", "score",
         "divergent", "conflicts")


@bp.get("")
@allow(instruction_team)
def calls():
    return render_template("review/instruction_calls.html", calls=queries.instructed_calls(current_user))


def _state_options(call: Call, versions: dict) -> list[tuple[str, str]]:
    """Every state of the versions the call's dossiers follow, along the pinned version's cycle first."""
    ordered = [versions[call.workflow_version_id]] if call.workflow_version_id in versions else []
    ordered += [version for version_id, version in sorted(versions.items()) if version_id != call.workflow_version_id]
    options: dict[str, str] = {}
    for version in ordered:
        for state in workflow_of_version(version).ordered_states():
            options.setdefault(state.name, state.label)
    return list(options.items())


@bp.get("/appels/<int:call_id>/dossiers")
@allow(instruction_team)
def dossiers(call_id):
    call = db.session.get(Call, call_id) or abort(404)
    versions = queries.workflow_versions_of(call)
    states, reviewers = _state_options(call, versions), queries.reviewer_choices(call)
    filters = read_filters(request.args, dict(states), {strand.id for strand in call.strands},
                           {user_id for user_id, _name in reviewers})
    sort, descending = requested_sort(request.args, SORTS, "reference", descending=False)
    page = queries.dossier_rows(current_user, call, filters, versions, sort, descending, requested_page(request.args))
    if past_the_end(page):
        filters.problems.append(past_the_end(page))
    labels = {version_id: workflow_of_version(version) for version_id, version in versions.items()}
    return render_template(
        "review/instruction_dossiers.html", call=call, page=page, filters=filters, sort=sort, descending=descending,
        filtered=is_filtered(request.args), state_options=states, reviewer_options=reviewers,
        strand_options=[(strand.id, strand.name) for strand in call.strands],
        commune_options=[(c.insee_code, c.name) for c in _communes()],
        drafts=queries.private_draft_count_in(current_user, call),
        state_label=lambda row: labels[row.workflow_version_id].state_label(row.state),
        overdue=overdue_by_organisation(row.organisation_id for row in page.items),
        commune_name=commune_name, gap=DIVERGENCE_GAP, score=_mean_shown)


def _mean_shown(row) -> str:
    """The mean as French text, or "n/a"; SQLite's average comes back as a float."""
    return shown(None if row.score is None else Decimal(str(row.score)))


def _communes():
    """The territory's communes today, then those merged since (a structure may still carry their code)."""
    current = current_communes()
    codes = {commune.insee_code for commune in current}
    return current + [commune for code, commune in sorted(all_communes().items()) if code not in codes]
