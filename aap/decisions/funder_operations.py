"""Seating co-funders on a call and the people who decide for them; none of these commits."""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from aap.auth.models import User
from aap.auth.operations import grant_role
from aap.core.roles import FUNDER
from aap.decisions.envelope_operations import change_envelope
from aap.decisions.models import Decision, Funder, FunderDecider
from aap.decisions.operations import DecisionRefused
from aap.extensions import db

MAX_FUNDERS = 20
MAX_NAME = 200


def add_funder(call, name: str, envelope_text: str, user, now: datetime) -> Funder:
    name = " ".join((name or "").split())
    if not name:
        raise DecisionRefused(_("Saisissez le nom du cofinanceur."), "name")
    if len(name) > MAX_NAME:
        raise DecisionRefused(_("Le nom dépasse %(n)d caractères.", n=MAX_NAME), "name")
    existing = list(db.session.execute(select(Funder).where(Funder.call_id == call.id)).scalars())
    if any(funder.name.casefold() == name.casefold() for funder in existing):
        raise DecisionRefused(_("« %(name)s » est déjà un cofinanceur de cet appel.", name=name), "name")
    if len(existing) >= MAX_FUNDERS:
        raise DecisionRefused(_("Un appel compte au plus %(n)d cofinanceurs.", n=MAX_FUNDERS), "name")
    funder = Funder(call_id=call.id, name=name, position=len(existing))
    db.session.add(funder)
    db.session.flush()
    if (envelope_text or "").strip():
        change_envelope(call, funder, None, envelope_text, _("Enveloppe fixée à l'ajout du cofinanceur."), user, now)
    return funder


def remove_funder(funder: Funder) -> None:
    decided = db.session.execute(select(func.count(Decision.id)).where(Decision.funder_id == funder.id)).scalar()
    if decided:
        raise DecisionRefused(_("%(name)s a déjà des décisions sur cet appel : il reste cofinanceur.",
                                name=funder.name))
    for seat in list(funder.deciders):
        remove_decider(funder, seat)
    db.session.delete(funder)
    db.session.flush()


def seat_decider(funder: Funder, email: str) -> FunderDecider:
    """Let an existing account decide for the funder; the funder role on the call comes with the seat."""
    address = (email or "").strip().lower()
    user = db.session.execute(select(User).where(func.lower(User.email) == address)).scalar_one_or_none() \
        if address else None
    if user is None or not user.active:
        raise DecisionRefused(_("Aucun compte actif n'a cette adresse : invitez d'abord la personne (page des "
                                "comptes), puis ajoutez-la ici."), "email")
    if any(seat.user_id == user.id for seat in funder.deciders):
        raise DecisionRefused(_("%(name)s décide déjà pour %(funder)s.", name=user.display_name, funder=funder.name),
                              "email")
    had_role = user.has_role(FUNDER, funder.call_id)
    grant_role(user, FUNDER, funder.call_id)
    seat = FunderDecider(funder_id=funder.id, user_id=user.id, granted_role=not had_role)
    funder.deciders.append(seat)
    db.session.flush()
    return seat


def remove_decider(funder: Funder, seat: FunderDecider) -> None:
    """The seat goes; the funder role too when the seat gave it and no other seat on the call holds it."""
    user, call_id = seat.user, funder.call_id
    funder.deciders.remove(seat)
    db.session.flush()
    others = db.session.execute(select(func.count(FunderDecider.id)).join(Funder)
                                .where(FunderDecider.user_id == user.id, Funder.call_id == call_id)).scalar()
    if seat.granted_role and not others:
        for grant in [g for g in user.grants if g.role == FUNDER and g.call_id == call_id]:
            user.grants.remove(grant)
    db.session.flush()
