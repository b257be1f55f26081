"""The call's scoring grid: edited by administrators, each save a new version; the freeze of its reviews."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aap.calls.models import Call
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, role
from aap.extensions import db
from aap.review import operations
from aap.review.forms import FreezeForm, GridForm
from aap.review.queries import current_grid, proposed_grid, review_counts


@allow(role("admin"))
def grid(call_id):
    call = get_or_404(Call, call_id, "manage")
    current = current_grid(call.id)
    counts = review_counts(call.id)
    on_current = counts.get(current.version, {"submitted": 0, "draft": 0}) if current else {"submitted": 0, "draft": 0}
    form = GridForm()
    if request.method == "GET":
        form.fill(current.grid if current else proposed_grid())
        form.based_on.data = current.version if current else 0
    elif form.is_submitted():
        valid = form.validate()
        typed = form.grid() if valid else (form.grid() and None)
        if typed is not None and current is not None and typed == current.grid:
            flash(_("La grille n'a pas changé : aucune nouvelle version n'est publiée."), "info")
            return redirect(url_for("reviews.grid", call_id=call.id))
        if typed is not None and (on_current["submitted"] or on_current["draft"]) and not form.confirm.data:
            form.confirm.errors = [_("Des relectures sont notées sur la version actuelle : cochez cette case pour "
                                     "publier une nouvelle version.")]
        elif typed is not None:
            return _publish(call, form, typed)
    return _page(call, current, counts, on_current, form, FreezeForm())


def _publish(call, form, typed):
    try:
        version, moved = operations.publish_grid(call, typed, current_user, _number(form.based_on.data))
    except operations.StaleReview as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        current = current_grid(call.id)
        counts = review_counts(call.id)
        return _page(call, current, counts, counts.get(current.version, {"submitted": 0, "draft": 0})
                     if current else {"submitted": 0, "draft": 0}, form, FreezeForm(), status=409)
    db.session.commit()
    flash(_("La grille est publiée (version %(n)d). %(moved)d brouillon(s) passent à cette version ; les relectures "
            "soumises gardent la leur.", n=version.version, moved=moved), "success")
    return redirect(url_for("reviews.grid", call_id=call.id))


def _number(text) -> int:
    return int(text) if (text or "").isdigit() else -1


def _page(call, current, counts, on_current, form, freeze_form, status=None):
    if status is None:
        status = 400 if has_errors(form) else 200
    if status != 200 and form.criteria.entries and not form.criteria.entries[-1].form.is_blank():
        form.criteria.append_entry()
    return render_template("review/grid.html", call=call, current=current, counts=counts, on_current=on_current,
                           form=form, freeze_form=freeze_form), status


def has_errors(form) -> bool:
    """Read from the fields themselves: messages are added after WTForms has validated (and cached its summary)."""
    rows = [entry.form for entry in form.criteria.entries]
    return bool(form.form_errors or form.confirm.errors or any(
        getattr(row, "problems", None) or any(field.errors for field in row) for row in rows))


@allow(role("admin"))
def freeze(call_id):
    call = get_or_404(Call, call_id, "manage")
    form = FreezeForm()
    if not (form.validate_on_submit() and form.confirm.data):
        flash(_("Cochez la case de confirmation pour figer les relectures : rien n'a été figé."), "error")
        return redirect(url_for("reviews.grid", call_id=call.id) + "#freeze-title")
    count = operations.freeze_reviews(call, utcnow(), current_user)
    db.session.commit()
    flash(_("%(n)d relecture(s) figée(s) : elles ne peuvent plus être modifiées.", n=count), "success")
    return redirect(url_for("reviews.grid", call_id=call.id))
