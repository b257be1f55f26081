"""The bilan in the administration: the list of calls' bilans, writing the texts, the preview and the publication."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from aap.bilan import operations, queries
from aap.bilan.access import administrators, manages_bilan
from aap.bilan.chart_sets import bilan_charts
from aap.bilan.forms import PublishForm, TextsForm
from aap.bilan.models import Bilan
from aap.bilan.operations import texts_digest
from aap.calls.models import Call
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404
from aap.extensions import db

bp = Blueprint("bilan_admin", __name__, url_prefix="/admin")


def _managed_call(call_id: int) -> Call:
    call = get_or_404(Call, call_id)
    if not manages_bilan(current_user, call.id):
        abort(404)
    return call


def _draft(call: Call) -> Bilan:
    """The stored draft, or an empty one not added to the session (a page that reads writes nothing)."""
    return queries.draft_of(call.id) or Bilan(call_id=call.id, introduction="", commentary="")


@bp.get("/bilans")
@allow(administrators)
def index():
    return render_template("bilan/admin_index.html", calls=queries.calls_with_bilans())


def _edit_page(call: Call, form: TextsForm | None = None, status: int = 200, stale: bool = False):
    """`stale`: the texts were saved by someone else meanwhile; the page shows them beside what was typed."""
    draft = _draft(call)
    if form is None:
        form = TextsForm(data={"introduction": draft.introduction, "commentary": draft.commentary,
                               "based_on": texts_digest(draft.introduction, draft.commentary)})
    return render_template("bilan/edit.html", call=call, form=form, draft=draft, stale=stale,
                           lines=queries.version_lines(draft.id)), status


@bp.route("/appels/<int:call_id>/bilan", methods=["GET", "POST"])
@allow(administrators)
def edit(call_id):
    """The texts; one rule for both methods, so that an unknown call is not found whatever the method."""
    call = _managed_call(call_id)
    if request.method == "GET":
        return _edit_page(call)
    form = TextsForm()
    if not form.validate_on_submit():
        return _edit_page(call, form, 400)
    try:
        operations.save_texts(call, form.introduction.data, form.commentary.data, form.based_on.data, current_user)
    except operations.BilanRefused as refused:
        db.session.rollback()
        if refused.field in ("introduction", "commentary"):
            form[refused.field].errors = [*form[refused.field].errors, refused.message]
        else:
            form.form_errors.append(refused.message)
        stale = isinstance(refused, operations.StaleBilan)
        if stale:  # what was typed stays; saving again, once compared, replaces the texts shown beside it
            draft = _draft(call)
            form.based_on.data = texts_digest(draft.introduction, draft.commentary)
        return _edit_page(call, form, 409 if stale else 400, stale)
    db.session.commit()
    flash(_("Les textes du bilan sont enregistrés. Ils ne sont pas publics tant que le bilan n'est pas publié."),
          "success")
    if request.form.get("apercu"):
        return redirect(url_for(".preview", call_id=call.id))
    return redirect(url_for(".edit", call_id=call.id))


def _preview_page(call: Call, form: PublishForm | None = None, status: int = 200):
    now = utcnow()
    draft, snapshot = _draft(call), queries.live_figures(call, now)
    lines = queries.version_lines(draft.id)
    number = (lines[-1].number if lines else 0) + 1
    form = form or PublishForm(formdata=None)
    # the next click publishes what this page shows: the next number, the texts as stored now
    form.number.data, form.number.raw_data = number, None
    form.seen.data = texts_digest(draft.introduction, draft.commentary)
    return render_template("bilan/preview.html", call=call, draft=draft, snapshot=snapshot,
                           charts=bilan_charts(snapshot), lines=lines, number=number, form=form,
                           remains=operations.what_remains(call, snapshot, now)), status


@bp.get("/appels/<int:call_id>/bilan/apercu")
@allow(administrators)
def preview(call_id):
    return _preview_page(_managed_call(call_id))


@bp.post("/appels/<int:call_id>/bilan/publier")
@allow(administrators)
def publish(call_id):
    call = _managed_call(call_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return _preview_page(call, form, 400)
    try:
        version = operations.publish(call, current_user, utcnow(), form.number.data, form.seen.data,
                                     form.correction_note.data)
        db.session.commit()
    except operations.BilanRefused as refused:
        db.session.rollback()
        return _refused(call, form, refused)
    except IntegrityError:  # the unique (bilan, number): another publication took this number meanwhile
        db.session.rollback()
        return _refused(call, form, operations.BilanRefused(
            _("Une autre publication de ce bilan vient d'avoir lieu : rien n'a été publié. Relisez l'aperçu, puis "
              "recommencez.")))
    flash(_("La version %(n)d du bilan est publiée : elle est publique et ne change plus.", n=version.number),
          "success")
    return redirect(url_for("public_bilans.version", call_id=call.id, number=version.number))


def _refused(call: Call, form: PublishForm, refused: operations.BilanRefused):
    """The preview again, with why and the note as typed; the box is to be ticked again after reading it anew."""
    if refused.field == "correction_note":
        form.correction_note.errors = [*form.correction_note.errors, refused.message]
    else:
        form.form_errors.append(refused.message)
    form.confirm.data = False
    return _preview_page(call, form, 400 if refused.field == "correction_note" else 409)
