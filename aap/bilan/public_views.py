"""The published bilans, for everyone and with no account: the list, and each version as it was published.

A page shows only what its version froze: changing the call's data afterwards changes nothing here. A bilan that
was never published does not exist for the public (404).
"""
from datetime import datetime

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from aap.bilan.access import manages_bilan, reads_version
from aap.bilan.chart_sets import bilan_charts
from aap.bilan.queries import latest_number, published_bilans, published_version, version_lines
from aap.core.permissions import allow, public

bp = Blueprint("public_bilans", __name__, url_prefix="/bilans")


def computed_at(snapshot: dict) -> datetime | None:
    """When the figures were frozen, from the snapshot's ISO text."""
    text = snapshot.get("computed_at")
    return datetime.fromisoformat(text) if text else None


@bp.get("")
@allow(public)
def index():
    return render_template("bilan/public_index.html", years=published_bilans())


@bp.get("/<int:call_id>")
@allow(public)
def latest(call_id):
    number = latest_number(call_id)
    if number is None:
        abort(404)
    return redirect(url_for(".version", call_id=call_id, number=number))


@bp.get("/<int:call_id>/v<int:number>")
@allow(public)
def version(call_id, number):
    shown = published_version(call_id, number)
    if not reads_version(current_user, shown):
        abort(404)
    lines = version_lines(shown.bilan_id)
    replaced_by = next((line for line in lines if line.number == number + 1), None)
    return render_template("bilan/version.html", call_id=call_id, shown=shown, snapshot=shown.snapshot,
                           charts=bilan_charts(shown.snapshot), lines=lines, replaced_by=replaced_by, latest=lines[-1],
                           computed_at=computed_at(shown.snapshot), manages=manages_bilan(current_user, call_id))

