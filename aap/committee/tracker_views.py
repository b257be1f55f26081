"""The envelope tracker of a session, with a trial amount the chair may try before recording it."""
from decimal import Decimal, InvalidOperation

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from aap.committee.models import RECOMMENDATIONS, CommitteeSession
from aap.committee.tracker import Trial
from aap.committee.tracker_queries import session_tracker, tracked_dossiers
from aap.core.formatting import money
from aap.core.inputs import database_int
from aap.core.permissions import allow, get_or_404, signed_in

bp = Blueprint("committee_tracker", __name__, url_prefix="/comite/seances/<int:session_id>")


def _trial(dossiers, problems: list[str]) -> Trial | None:
    """The amount the chair tries for one dossier of the agenda, read from the address; a bad one is said, not tried."""
    item_text, amount_text = request.args.get("essai", ""), request.args.get("montant", "").strip()
    if not item_text and not amount_text:
        return None
    waiting = {dossier.item_id: dossier for dossier in dossiers}
    try:
        item_id = database_int(item_text)
    except ValueError:
        item_id = None
    dossier = waiting.get(item_id)
    if dossier is None:
        problems.append(_("Choisissez un dossier de l'ordre du jour pour essayer un montant."))
        return None
    try:
        amount = Decimal(amount_text.replace(" ", "").replace("\u202f", "").replace("€", "").replace(",", "."))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        problems.append(_("Montant à essayer : saisissez un montant en euros, par exemple 8 500 ou 8500,50 "
                          "(« %(value)s » n'est pas essayé).", value=amount_text))
        return None
    if amount > dossier.requested:
        problems.append(_("Montant à essayer : %(amount)s dépasse les %(requested)s demandés pour %(reference)s.",
                          amount=money(amount), requested=money(dossier.requested), reference=dossier.reference))
        return None
    return Trial(dossier.item_id, amount)


@bp.get("/enveloppe")
@allow(signed_in)
def page(session_id):
    session = get_or_404(CommitteeSession, session_id)
    may_try = session.can("manage", current_user) or session.can("chair", current_user)
    problems: list[str] = []
    dossiers = tracked_dossiers(session)
    trial = _trial(dossiers, problems) if may_try else None
    strands = {strand.id: strand for strand in session.call.strands}
    return render_template("committee/tracker.html", session=session, tracker=session_tracker(session, dossiers, trial),
                           trial=trial, may_try=may_try, problems=problems, strands=strands,
                           recommendations=RECOMMENDATIONS)
