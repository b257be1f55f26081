"""A member's preparation pack: asked for, built in the background with its progress, then downloaded."""
import math

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from aap.committee.access import pack_readable
from aap.committee.models import DONE, FAILED, CommitteeSession, PreparationPack
from aap.committee.pack_operations import request_pack
from aap.core import ratelimit
from aap.core.inputs import ActionForm, sent_by_button
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, signed_in
from aap.core.storage import download_response
from aap.extensions import db

bp = Blueprint("committee_pack", __name__, url_prefix="/comite/seances/<int:session_id>/dossier-de-preparation")
REFRESH_SECONDS = 2


@bp.post("")
@allow(signed_in)
def ask(session_id):
    session = get_or_404(CommitteeSession, session_id)
    sent_by_button(ActionForm())
    refusal = ratelimit.refused(ratelimit.take, "PACK_LIMIT", f"user:{current_user.id}")
    if refusal is not None:
        flash(_too_often(refusal), "error")
        return redirect(url_for("committee_agenda.preparation", session_id=session_id))
    record, _new = request_pack(session, current_user, utcnow())
    db.session.commit()
    return redirect(url_for("committee_pack.progress", session_id=session_id, pack_id=record.id))


def _too_often(refusal: Exception) -> str:
    if isinstance(refusal, ratelimit.RateLimited):
        return ngettext("Vous avez demandé beaucoup de dossiers de préparation : réessayez dans %(num)d minute. Le "
                        "dernier demandé reste téléchargeable.",
                        "Vous avez demandé beaucoup de dossiers de préparation : réessayez dans %(num)d minutes. Le "
                        "dernier demandé reste téléchargeable.", max(1, math.ceil(refusal.seconds / 60)))
    return _("Les demandes sont suspendues pour un instant : réessayez dans une minute.")


def _pack(session_id, pack_id) -> PreparationPack:
    get_or_404(CommitteeSession, session_id)
    record = db.session.get(PreparationPack, pack_id)
    if record is None or record.session_id != session_id or not pack_readable(current_user, record):
        abort(404)
    return record


@bp.get("/<int:pack_id>")
@allow(signed_in)
def progress(session_id, pack_id):
    record = _pack(session_id, pack_id)
    waiting = record.state not in (DONE, FAILED)
    headers = {"Refresh": str(REFRESH_SECONDS)} if waiting else {}
    return render_template("committee/pack.html", session=record.session, pack=record, waiting=waiting,
                           failed=record.state == FAILED, action_form=ActionForm()), 200, headers


@bp.get("/<int:pack_id>.pdf")
@allow(signed_in)
def download(session_id, pack_id):
    record = _pack(session_id, pack_id)
    if record.state != DONE or record.stored_file is None:
        flash(_("Le dossier de préparation n'est pas encore prêt : cette page se met à jour toute seule."), "info")
        return redirect(url_for("committee_pack.progress", session_id=session_id, pack_id=pack_id))
    return download_response(record.stored_file)
