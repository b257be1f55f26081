"""The signed-in person's notification centre and mail preferences."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from aap.core.inputs import database_int
from aap.core.listing import requested_page
from aap.core.permissions import allow, get_or_404, public, signed_in
from aap.extensions import csrf, db, writes_on_read
from aap.notifications import operations, queries
from aap.notifications.events import events_for
from aap.notifications.forms import preferences_form
from aap.notifications.models import Notification
from aap.notifications.queries import unread_count
from aap.notifications.unsubscribe import UnsubscribeError, read_unsubscribe_token

bp = Blueprint("inbox", __name__, url_prefix="/notifications")
@bp.app_context_processor
def inbox_context():
    return {"unread_notifications": lambda: unread_count(current_user) if current_user.is_authenticated else 0}


@bp.get("")
@allow(signed_in)
def index():
    shown = request.args.get("afficher", "")
    page = queries.notifications_page(current_user, shown, request.args.get("type", ""),
                                      requested_page(request.args))
    return render_template("notifications/inbox.html", page=page, form=FlaskForm(), shown=shown,
                           event_options=[(event.name, event.label) for event in events_for(current_user)])


@bp.get("/<int:notification_id>")
@allow(signed_in)
@writes_on_read
def follow(notification_id):
    """Follow a notification's link and count it as read."""
    notification = get_or_404(Notification, notification_id)
    operations.mark_read(current_user, [notification.id])
    db.session.commit()
    if not (notification.link or "").startswith(current_app.config["PUBLIC_URL"] + "/"):
        return redirect(url_for("inbox.index"))
    return redirect(notification.link)


@bp.route("/desabonnement/<token>", methods=["GET", "POST"])
@allow(public)
@csrf.exempt  # the signed link is the credential; mail clients post to it without a form (RFC 8058)
def unsubscribe(token):
    """GET asks (link checkers and previews change nothing); POST switches the event's mails off."""
    try:
        user, event = read_unsubscribe_token(token)
    except UnsubscribeError as error:
        return render_template("notifications/unsubscribe.html", error=str(error)), 400
    done = request.method == "POST"
    if done:
        operations.set_preferences(user, {event.name: "off"})
        db.session.commit()
    return render_template("notifications/unsubscribe.html", event=event, email=user.email, done=done)


@bp.post("/lues")
@allow(signed_in)
def mark_read():
    if not FlaskForm().validate_on_submit():
        abort(400)
    chosen = request.form.getlist("notification", type=database_int)
    count = operations.mark_read(current_user, chosen if request.form.get("tout") != "1" else None)
    db.session.commit()
    if count:
        flash(_("%(num)d notification(s) marquée(s) comme lue(s).", num=count), "success")
    else:
        flash(_("Aucune notification à marquer comme lue : cochez-en au moins une."), "error")
    return redirect(url_for("inbox.index", afficher=request.args.get("afficher", "")))


@bp.route("/preferences", methods=["GET", "POST"])
@allow(signed_in)
def preferences():
    events = events_for(current_user)
    current = queries.chosen_channels(current_user)
    form = preferences_form(events, current, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        operations.set_preferences(current_user, {event.name: form[event.name].data
                                                  for event in events if not event.essential})
        db.session.commit()
        flash(_("Vos préférences de notification sont enregistrées."), "success")
        return redirect(url_for("inbox.preferences"))
    return render_template("notifications/preferences.html", form=form, events=events,
                           status=400 if form.errors else 200), 400 if form.errors else 200
