"""Downloads of the bilan: the live figures of any call for administrators; the figures of each published version,
and the call's SCDL « subventions » open data once a version is published, for everyone.

Endpoints a page may link to: bilan_exports.live (fmt csv|xlsx|json), .live_structures, .live_scdl (admins);
bilan_exports.published (call_id, number, fmt), .published_structures, .public_scdl (the public).
"""
from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy import select

from aap.bilan import exports, queries
from aap.bilan.figures import snapshot
from aap.bilan.models import Bilan, BilanVersion
from aap.bilan.scdl import ScdlExport, ScdlRefused, scdl_csv, scdl_export
from aap.bilan.slugs import call_slug
from aap.calls.models import Call
from aap.core.models import utcnow
from aap.core.permissions import allow, public, role
from aap.core.roles import ADMIN
from aap.extensions import db

bp = Blueprint("bilan_exports", __name__)
FORMATS = "any(csv, xlsx, json)"
#: the address's word by which an administrator takes the file without the rows that cannot be published
WITHOUT_INVALID = "sans-lignes-invalides"


def figures_response(figures: dict, fmt: str, version: int | None = None, published_at: str | None = None):
    if fmt == "json":
        return exports.figures_json(figures, version, published_at)
    return (exports.figures_xlsx if fmt == "xlsx" else exports.figures_csv)(figures, version)


def _call_or_404(call_id: int) -> Call:
    call = db.session.get(Call, call_id)
    if call is None:
        abort(404)
    return call


def published_version(call_id: int, number: int) -> BilanVersion:
    version = queries.published_version(call_id, number)
    if version is None:
        abort(404)
    return version


def is_published(call_id: int) -> bool:
    return db.session.execute(select(BilanVersion.id).join(Bilan, Bilan.id == BilanVersion.bilan_id)
                              .where(Bilan.call_id == call_id).limit(1)).first() is not None


def scdl_response(call: Call, export: ScdlExport) -> Response:
    name = f"subventions-{call_slug(call.title, call.year)}.csv"
    return Response(scdl_csv(export.rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get(f"/admin/appels/<int:call_id>/bilan/export.<{FORMATS}:fmt>")
@allow(role(ADMIN))
def live(call_id, fmt):
    return figures_response(snapshot(_call_or_404(call_id), utcnow()), fmt)


@bp.get("/admin/appels/<int:call_id>/bilan/structures.csv")
@allow(role(ADMIN))
def live_structures(call_id):
    return exports.structures_csv(snapshot(_call_or_404(call_id), utcnow()))


@bp.get("/admin/appels/<int:call_id>/bilan/subventions.csv")
@allow(role(ADMIN))
def live_scdl(call_id):
    """The open data as it stands; rows that cannot be published stop the download until the admin has read why."""
    call = _call_or_404(call_id)
    try:
        export = scdl_export(call)
    except ScdlRefused as refusal:
        return render_template("bilan/scdl_left_out.html", call=call, refusal=str(refusal), export=None), 409
    if export.invalid and WITHOUT_INVALID not in request.args:
        return render_template("bilan/scdl_left_out.html", call=call, export=export, refusal=None,
                               without_invalid=WITHOUT_INVALID), 409
    return scdl_response(call, export)


@bp.get(f"/bilans/<int:call_id>/v<int:number>/export.<{FORMATS}:fmt>")
@allow(public)
def published(call_id, number, fmt):
    version = published_version(call_id, number)
    return figures_response(version.snapshot, fmt, version.number, version.published_at.isoformat(timespec="seconds"))


@bp.get("/bilans/<int:call_id>/v<int:number>/structures.csv")
@allow(public)
def published_structures(call_id, number):
    version = published_version(call_id, number)
    return exports.structures_csv(version.snapshot, version.number)


@bp.get("/bilans/<int:call_id>/subventions.csv")
@allow(public)
def public_scdl(call_id):
    """Open data once the call's bilan is published: the grants as they stand, every row valid."""
    call = _call_or_404(call_id)
    if not is_published(call.id):
        abort(404)
    try:
        export = scdl_export(call)
    except ScdlRefused:
        abort(503)
    return scdl_response(call, export)
