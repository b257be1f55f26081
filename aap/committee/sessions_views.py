"""Committee sessions: a call's sessions, planning one, its page, the convocation and the attendance."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from aap.calls.models import Call
from aap.committee import convocation, sessions_operations
from aap.committee.access import session_access
from aap.committee.models import ATTENDANCE, CLOSED, CONVENED, OPEN, SESSION_STATES, CommitteeSession
from aap.committee.sessions_forms import SessionForm, attendance_form
from aap.committee.sessions_operations import SessionDetails, SessionRefused, moves, quorum_rule
from aap.committee.sessions_queries import SESSION_SORTS, call_sessions, candidates, session_members
from aap.core import ratelimit
from aap.core.formatting import PARIS, date_time
from aap.core.inputs import Form
from aap.core.listing import requested_sort
from aap.core.models import utcnow
from aap.core.permissions import allow, get_or_404, instruction_team, signed_in
from aap.extensions import db
from aap.review.group_names import group_label, group_labels
from aap.review.queries import UNKNOWN_GROUP

bp = Blueprint("committee_sessions", __name__)


class ActionForm(Form):
    """A button with nothing but its CSRF token."""


def span(session: CommitteeSession) -> str:
    """« 12/03/2027 14:30 – 17:00 », Paris time, with the end's date when it is another day."""
    end = session.ends_at.astimezone(PARIS)
    if end.date() == session.starts_at.astimezone(PARIS).date():
        return f"{date_time(session.starts_at)} – {end:%H:%M}"
    return f"{date_time(session.starts_at)} – {date_time(session.ends_at)}"


@bp.context_processor
def _helpers():
    return {"when": span}


@bp.get("/comite/appels/<int:call_id>/seances")
@allow(instruction_team)
def call_sessions_page(call_id):
    call = get_or_404(Call, call_id)
    sort, descending = requested_sort(request.args, SESSION_SORTS, "date", descending=True)
    return render_template("committee/sessions_list.html", call=call, rows=call_sessions(call, descending),
                           sort=sort, descending=descending, states=SESSION_STATES, quorum_rule=quorum_rule)


def _details(form: SessionForm) -> SessionDetails:
    return SessionDetails(title=form.title.data.strip(), starts_at=form.starts_at, ends_at=form.ends_at,
                          place=(form.place.data or "").strip(), video_url=(form.video_url.data or "").strip(),
                          quorum=form.quorum.data, member_ids=tuple(sorted(set(form.members.data or ()))))


def _form_page(call, form, session=None, status=None, headers=None):
    status = status or (400 if form.errors else 200)
    return render_template("committee/sessions_form.html", call=call, form=form, session=session,
                           groups={**group_labels(), UNKNOWN_GROUP: group_label(UNKNOWN_GROUP)},
                           by_id={candidate.user_id: candidate for candidate in form.candidates},
                           convened=session is not None and session.state == CONVENED), status, headers or {}


@bp.route("/comite/appels/<int:call_id>/seances/nouvelle", methods=["GET", "POST"])
@allow(instruction_team)
def create(call_id):
    call = get_or_404(Call, call_id)
    form = SessionForm(candidates=candidates(call))
    if not form.validate_on_submit():
        return _form_page(call, form)
    session = sessions_operations.create_session(call, _details(form), current_user)
    db.session.commit()
    flash(_("La séance « %(title)s » est créée. Prochaine étape : la convoquer.", title=session.title), "success")
    return redirect(url_for(".show", session_id=session.id))


def _prefilled(session: CommitteeSession) -> dict:
    start, end = session.starts_at.astimezone(PARIS), session.ends_at.astimezone(PARIS)
    return {"title": session.title, "starts_on": start.date(), "starts_time": start.time(),
            "ends_on": end.date() if end.date() != start.date() else None, "ends_time": end.time(),
            "place": session.place, "video_url": session.video_url,
            "quorum": None if session.quorum_from_rule else session.quorum,
            "members": [member.user_id for member in session.members]}


def _editable(session_id) -> CommitteeSession:
    session = get_or_404(CommitteeSession, session_id, "manage")
    if session.state in (OPEN, CLOSED):
        flash(_("La séance est ouverte ou close : elle ne se modifie plus."), "error")
        abort(redirect(url_for(".show", session_id=session.id)))
    return session


@bp.route("/comite/seances/<int:session_id>/modifier", methods=["GET", "POST"])
@allow(instruction_team)
def edit(session_id):
    session = _editable(session_id)
    seated = [member.user_id for member in session.members]
    form = SessionForm(data=None if request.method == "POST" else _prefilled(session),
                       candidates=candidates(session.call, seated),
                       resend_needed=lambda checked: moves(session, _details(checked)))
    if not form.validate_on_submit():
        return _form_page(session.call, form, session)
    details = _details(form)
    if session.state == CONVENED and (moves(session, details) or set(details.member_ids) - set(seated)):
        refusal = ratelimit.refused(ratelimit.take, "CONVOCATION_LIMIT", f"user:{current_user.id}")
        if refusal is not None:
            form.form_errors.append(ratelimit.mail_refusal_message(refusal))
            return _form_page(session.call, form, session, *ratelimit.refusal_answer(refusal))
    try:
        saved = sessions_operations.update_session(session, details, utcnow())
    except SessionRefused as refusal:  # opened by someone else since the page was shown
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _form_page(session.call, form, session, 409)
    db.session.commit()
    message = _("La séance est enregistrée.")
    if saved.convocations:
        message += " " + ngettext("La convocation mise à jour est envoyée à %(num)d membre.",
                                  "La convocation mise à jour est envoyée à %(num)d membres.", saved.convocations)
    flash(message, "success")
    return redirect(url_for(".show", session_id=session.id))


def _session_page(session, status=200, headers=None):
    access = session_access(current_user, session)
    rows = session_members(session)
    return render_template(
        "committee/sessions_show.html", session=session, access=access, rows=rows, group_label=group_label,
        present=sessions_operations.present(row.member for row in rows), attendance=ATTENDANCE,
        states=SESSION_STATES, action_form=ActionForm(),
        unchanged=access.manage and convocation.unchanged(session)), status, headers or {}


@bp.get("/comite/seances/<int:session_id>")
@allow(signed_in)
def show(session_id):
    return _session_page(get_or_404(CommitteeSession, session_id))


@bp.post("/comite/seances/<int:session_id>/convoquer")
@allow(instruction_team)
def convene(session_id):
    session = get_or_404(CommitteeSession, session_id, "manage")
    if not ActionForm().validate_on_submit():
        abort(400)
    if convocation.unchanged(session):
        return _already_sent(session)
    refusal = ratelimit.refused(ratelimit.take, "CONVOCATION_LIMIT", f"user:{current_user.id}")
    if refusal is not None:
        flash(ratelimit.mail_refusal_message(refusal), "error")
        return _session_page(session, *ratelimit.refusal_answer(refusal))
    try:
        sent = sessions_operations.convene(session, utcnow())
    except SessionRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for(".show", session_id=session.id))
    db.session.commit()
    if sent is None:  # another click convened it a moment ago
        return _already_sent(session)
    flash(ngettext("Convocation envoyée à %(num)d membre, avec l'invitation d'agenda et l'ordre du jour.",
                   "Convocation envoyée à %(num)d membres, avec l'invitation d'agenda et l'ordre du jour.", sent),
          "success")
    return redirect(url_for(".show", session_id=session.id))


def _limited() -> bool:
    """Each convocation, its update or its cancellation mails every member: one person's pace is bounded."""
    refusal = ratelimit.refused(ratelimit.take, "CONVOCATION_LIMIT", f"user:{current_user.id}")
    if refusal is not None:
        flash(ratelimit.mail_refusal_message(refusal), "error")
    return refusal is not None


def _already_sent(session):
    flash(_("Convocation déjà envoyée le %(when)s : rien n'a changé depuis, aucun courriel n'est reparti.",
            when=date_time(session.convened_at)), "info")
    return redirect(url_for(".show", session_id=session.id))


@bp.route("/comite/seances/<int:session_id>/presences", methods=["GET", "POST"])
@allow(instruction_team)
def attendance(session_id):
    session = get_or_404(CommitteeSession, session_id, "manage")
    rows = session_members(session)
    form = attendance_form(rows, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        answers = {row.member.id: form[f"seat_{row.member.id}"].data for row in rows}
        try:
            changed = sessions_operations.record_attendance(session, answers, utcnow())
        except SessionRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
            return redirect(url_for(".show", session_id=session.id))
        db.session.commit()
        flash(ngettext("%(num)d présence enregistrée.", "%(num)d présences enregistrées.", changed), "success")
        return redirect(url_for(".attendance", session_id=session.id))
    present = sessions_operations.present(row.member for row in rows)
    return render_template("committee/sessions_attendance.html", session=session, rows=rows, form=form,
                           present=present, group_label=group_label), 400 if form.errors else 200


@bp.route("/comite/seances/<int:session_id>/supprimer", methods=["GET", "POST"])
@allow(instruction_team)
def delete(session_id):
    session = _editable(session_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("committee/sessions_delete.html", session=session, form=form)
    if session.state == CONVENED and _limited():
        return render_template("committee/sessions_delete.html", session=session, form=form), 429
    call_id, title = session.call_id, session.title
    told = sessions_operations.delete_session(session, utcnow())
    db.session.commit()
    message = _("La séance « %(title)s » est supprimée.", title=title)
    if told:
        message += " " + ngettext("%(num)d membre convoqué·e en est averti·e.",
                                  "%(num)d membres convoqué·es en sont averti·es.", told)
    flash(message, "success")
    return redirect(url_for(".call_sessions_page", call_id=call_id))
