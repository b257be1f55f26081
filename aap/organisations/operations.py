"""Every write of the organisations domain; nothing here commits."""
import hashlib
import secrets
from datetime import timedelta

from aap.core.models import utcnow
from aap.extensions import db
from aap.mail.outbox import queue_mail
from aap.organisations.models import Membership, Organisation, OrganisationInvitation

INVITATION_DAYS = 14
FIELDS = ("name", "legal_form", "siret", "rna", "address", "commune_insee", "in_qpv", "creation_date",
          "paid_staff_fte", "volunteers")


def _apply(organisation: Organisation, data: dict) -> None:
    for name in FIELDS:
        setattr(organisation, name, data[name])
    organisation.siret = organisation.siret or None
    organisation.rna = organisation.rna or None
    organisation.paid_staff_fte = organisation.paid_staff_fte or 0
    organisation.volunteers = organisation.volunteers or 0


def create_organisation(data: dict, creator) -> Organisation:
    organisation = Organisation()
    _apply(organisation, data)
    organisation.memberships.append(Membership(user_id=creator.id))
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(organisation: Organisation, data: dict) -> None:
    _apply(organisation, data)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_member(organisation: Organisation, email: str, inviter, link_for) -> OrganisationInvitation:
    token = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation(organisation=organisation, email=email.strip().lower(),
                                        token_hash=_hash(token), invited_by_id=inviter.id,
                                        expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    queue_mail(invitation.email, "organisation_invitation", organisation=organisation.name,
               inviter=inviter.display_name, link=link_for(token), days=INVITATION_DAYS)
    return invitation


def find_invitation(token: str) -> OrganisationInvitation | None:
    return db.session.execute(db.select(OrganisationInvitation).where(
        OrganisationInvitation.token_hash == _hash(token))).scalar_one_or_none()


def accept_invitation(invitation: OrganisationInvitation, user) -> None:
    invitation.accepted_at = utcnow()
    if not invitation.organisation.is_member(user):
        invitation.organisation.memberships.append(Membership(user_id=user.id))
