"""A session's minutes: read by its staff and members; written, previewed, locked and corrected by its staff and chair;
printed as a PDF; and, once locked, the recommendations handed over to the decision by the staff."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from aap.committee import handover
from aap.committee import minutes_operations as operations
from aap.committee.access import session_access
from aap.committee.minutes_forms import LockForm, MinutesTextForm
from aap.committee.minutes_queries import shown_version, version_of, versions
from aap.committee.models import ATTENDANCE, CLOSED, RECOMMENDATIONS, SESSION_STATES, VOTES, CommitteeSession
from aap.core.inputs import ActionForm, sent_by_button
from aap.core.models import utcnow
from aap.core.pdf import pdf_response
from aap.core.permissions import allow, get_or_404, signed_in
from aap.extensions import db
from aap.review.group_names import group_label

bp = Blueprint("committee_minutes", __name__, url_prefix="/comite/seances/<int:session_id>/proces-verbal")


def _labels() -> dict:
    return {"attendance": ATTENDANCE, "votes": VOTES, "recommendations": RECOMMENDATIONS, "group": group_label}


def _row_or_404(session: CommitteeSession, number: int, lines):
    """A stored version; version 1 is also the draft not saved yet."""
    row = version_of(session.id, number)
    if row is None and not (number == 1 and not lines):
        abort(404)
    return row


def _page(session: CommitteeSession, number: int | None = None, text_form=None, lock_form=None, preview=None,
          status: int = 200):
    lines = versions(session.id)
    number = number or (lines[-1].version if lines else 1)
    shown = shown_version(session, _row_or_404(session, number, lines), lines, text=preview)
    access = session_access(current_user, session)
    latest = not lines or number == lines[-1].version
    writable = access.write_minutes and latest and not shown.locked
    if writable and text_form is None:
        text_form = MinutesTextForm(prefix="minutes", data={"text": shown.text,
                                                            "based_on": operations.text_digest(shown.text)})
    if writable and lock_form is None:
        lock_form = LockForm(prefix="lock", data={"version": shown.number, "seen": shown.fingerprint})
    return render_template(
        "committee/minutes.html", session=session, shown=shown, lines=lines, access=access, latest=latest,
        writable=writable, text_form=text_form, lock_form=lock_form, preview=preview is not None,
        closed=session.state == CLOSED, states=SESSION_STATES, labels=_labels(), action_form=ActionForm()), status


@bp.route("", methods=["GET", "POST"])
@allow(signed_in)
def page(session_id):
    """One rule for both methods: a number too large for the database is then not found whatever the method."""
    if request.method == "POST":
        return _save(session_id)
    return _page(get_or_404(CommitteeSession, session_id))


@bp.get("/<int:version>")
@allow(signed_in)
def version(session_id, version):
    return _page(get_or_404(CommitteeSession, session_id), number=version)


@bp.get("/<int:version>.pdf")
@allow(signed_in)
def pdf(session_id, version):
    session = get_or_404(CommitteeSession, session_id)
    lines = versions(session.id)
    shown = shown_version(session, _row_or_404(session, version, lines), lines)
    with force_locale("fr"):  # the minutes are the authority's record, in French
        return pdf_response("committee/minutes_pdf.html", f"proces-verbal-seance-{session.id}-v{shown.number}.pdf",
                            session=session, shown=shown, labels=_labels())


def _back(session_id: int):
    return redirect(url_for("committee_minutes.page", session_id=session_id))


def _save(session_id):
    session = get_or_404(CommitteeSession, session_id, "write_minutes")
    form = MinutesTextForm(prefix="minutes")
    if not form.validate_on_submit():
        return _page(session, text_form=form, preview=form.text.data or "", status=400)
    if request.form.get("apercu"):
        flash(_("Aperçu du procès-verbal avec votre texte : rien n'est encore enregistré."), "info")
        return _page(session, text_form=form, preview=operations.clean_text(form.text.data))
    try:
        operations.save_text(session, form.text.data, form.based_on.data or None)
    except operations.MinutesRefused as refusal:
        db.session.rollback()
        form.text.errors = [*form.text.errors, str(refusal)]
        return _page(session, text_form=form, preview=operations.clean_text(form.text.data), status=409)
    db.session.commit()
    flash(_("Le texte du procès-verbal est enregistré (brouillon)."), "success")
    return _back(session_id)


@bp.post("/verrouiller")
@allow(signed_in)
def lock(session_id):
    session = get_or_404(CommitteeSession, session_id, "write_minutes")
    form = LockForm(prefix="lock")
    if not form.validate_on_submit():
        return _page(session, lock_form=form, status=400)
    try:
        locked = operations.lock(session, current_user, form.version.data, form.seen.data, utcnow())
    except operations.MinutesRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return _back(session_id)
    db.session.commit()
    flash(_("La version %(version)d du procès-verbal est verrouillée ; chaque membre en reçoit le lien par "
            "courriel.", version=locked.version), "success")
    return _back(session_id)


@bp.post("/corriger")
@allow(signed_in)
def correct(session_id):
    session = get_or_404(CommitteeSession, session_id, "write_minutes")
    sent_by_button(ActionForm())
    try:
        draft = operations.correct(session)
    except operations.MinutesRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return _back(session_id)
    db.session.commit()
    flash(_("La version %(version)d est ouverte pour correction ; la précédente reste lisible.",
            version=draft.version), "success")
    return _back(session_id)


@bp.post("/transmettre")
@allow(signed_in)
def hand_over(session_id):
    session = get_or_404(CommitteeSession, session_id, "manage")
    sent_by_button(ActionForm())
    try:
        report = handover.hand_over(session, current_user, utcnow())
    except handover.HandoverRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return _back(session_id)
    db.session.commit()
    _flash_report(report)
    return _back(session_id)


def _flash_report(report: list[handover.HandoverLine]) -> None:
    moved = sum(line.outcome == handover.MOVED for line in report)
    already = sum(line.outcome == handover.ALREADY for line in report)
    if moved:
        flash(ngettext("%(num)d dossier transmis à la décision.", "%(num)d dossiers transmis à la décision.", moved),
              "success")
    if already and not moved:
        flash(_("Aucun dossier de plus n'a été transmis : ceux qui pouvaient l'être l'avaient déjà été."), "info")
    elif already:
        flash(ngettext("%(num)d dossier l'avait déjà été : il n'est pas transmis une seconde fois.",
                       "%(num)d dossiers l'avaient déjà été : ils ne sont pas transmis une seconde fois.", already),
              "info")
    for line in report:
        if line.outcome == handover.REFUSED:
            flash(_("%(reference)s « %(title)s » n'est pas transmis : %(reason)s", reference=line.reference,
                    title=line.title or _("Projet sans titre"), reason=line.reason), "warning")
