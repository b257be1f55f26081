"""A session's agenda (set by the instruction team, read by the members) and the members' preparation page."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from aap.committee import agenda_operations as operations
from aap.committee.agenda_queries import agenda, candidates
from aap.committee.convocation import agenda_document
from aap.committee.models import CLOSED, OPEN, RECOMMENDATIONS, SESSION_STATES, CommitteeSession
from aap.core.inputs import ActionForm, database_int, sent_by_button
from aap.core.pdf import pdf_document
from aap.core.permissions import allow, get_or_404, signed_in
from aap.dossiers.reviewers import RECUSED
from aap.extensions import db

bp = Blueprint("committee_agenda", __name__, url_prefix="/comite/seances/<int:session_id>")


def _page(session: CommitteeSession, template: str, **context):
    access = session.can("manage", current_user)
    return render_template(template, session=session, lines=agenda(session, current_user), recused=RECUSED,
                           manage=access, editable=access and session.state not in (OPEN, CLOSED),
                           states=SESSION_STATES, recommendations=RECOMMENDATIONS, action_form=ActionForm(),
                           **context)


@bp.get("/ordre-du-jour")
@allow(signed_in)
def page(session_id):
    session = get_or_404(CommitteeSession, session_id)
    ready = candidates(session) if session.can("manage", current_user) and session.state not in (OPEN, CLOSED) \
        else []
    return _page(session, "committee/agenda.html", candidates=ready)


@bp.get("/ordre-du-jour.pdf")
@allow(signed_in)
def agenda_pdf(session_id):
    session = get_or_404(CommitteeSession, session_id)
    return pdf_document(agenda_document(session, current_user), f"ordre-du-jour-seance-{session.id}.pdf")


@bp.get("/preparation")
@allow(signed_in)
def preparation(session_id):
    return _page(get_or_404(CommitteeSession, session_id), "committee/preparation.html")


def _act(session_id, change, done):
    """Load the session the person manages, check the button, make the change, say what happened."""
    session = get_or_404(CommitteeSession, session_id, "manage")
    sent_by_button(ActionForm())
    try:
        result = change(session)
    except operations.AgendaRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(done(result), "success")
    return redirect(url_for("committee_agenda.page", session_id=session_id))


def _ids(name: str) -> list[int]:
    ids = []
    for value in request.form.getlist(name):
        try:
            ids.append(database_int(value))
        except ValueError:
            continue  # a forged value: it names no dossier, and the count of those refused says so
    return ids


@bp.post("/ordre-du-jour/inscrire")
@allow(signed_in)
def add(session_id):
    if request.form.get("tous"):
        def change(session):
            return operations.add_dossiers(session, [line.dossier_id for line in candidates(session)])
    else:
        def change(session):
            return operations.add_dossiers(session, _ids("dossier"))
    return _act(session_id, change, lambda count: ngettext(
        "%(num)d dossier inscrit à l'ordre du jour.", "%(num)d dossiers inscrits à l'ordre du jour.", count))


@bp.post("/ordre-du-jour/<int:item_id>/retirer")
@allow(signed_in)
def remove(session_id, item_id):
    return _act(session_id, lambda session: operations.remove_item(session, item_id),
                lambda _result: _("Le dossier est retiré de l'ordre du jour ; il peut être inscrit à nouveau."))


@bp.post("/ordre-du-jour/<int:item_id>/monter")
@allow(signed_in)
def move_up(session_id, item_id):
    return _act(session_id, lambda session: operations.move_item(session, item_id, -1),
                lambda _result: _("Ordre du jour modifié."))


@bp.post("/ordre-du-jour/<int:item_id>/descendre")
@allow(signed_in)
def move_down(session_id, item_id):
    return _act(session_id, lambda session: operations.move_item(session, item_id, 1),
                lambda _result: _("Ordre du jour modifié."))


@bp.post("/ordre-du-jour/trier")
@allow(signed_in)
def order(session_id):
    return _act(session_id, operations.order_by_strand_and_score,
                lambda _result: _("L'ordre du jour suit les volets, puis la note moyenne, de la meilleure à la moins "
                                  "bonne."))
