"""Writes of bank details: a new row each time, checked again here whoever calls. Once a payment has been recorded,
a change is sealed in the audit chain of every dossier already paid and each member of the organisation is warned:
changing the account a grant is paid to is a classic fraud. Nothing commits."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from aap.core.urls import external_url
from aap.decisions.bank_checks import BankDetailsRefused, checked_bic, checked_holder_name, checked_iban
from aap.decisions.bank_models import BankAccount
from aap.decisions.grant_models import PaymentTranche
from aap.decisions.models import GRANTED, Decision
from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.mail.labels import name_templates
from aap.mail.outbox import queue_mail
from aap.workflow import audit, engine

#: the record a change of bank details gets in the audit chain of each dossier already paid
BANK_DETAILS_CHANGED = "bank_details_changed"
#: the security notice each member of the organisation receives
CHANGED_MAIL = "bank_details_changed"
name_templates({CHANGED_MAIL: _l("Alerte de sécurité : coordonnées bancaires modifiées")})


@dataclass(frozen=True)
class BankDetails:
    """What the holder typed, before any check."""
    holder_name: str
    iban: str
    bic: str


def current_account(organisation_id: int) -> BankAccount | None:
    """The latest details the organisation gave: those its payments go to."""
    return db.session.execute(select(BankAccount).where(BankAccount.organisation_id == organisation_id)
                              .order_by(BankAccount.recorded_at.desc(), BankAccount.id.desc()).limit(1)).scalar()


def history(organisation_id: int) -> list[BankAccount]:
    query = select(BankAccount).where(BankAccount.organisation_id == organisation_id).options(
        selectinload(BankAccount.recorded_by)).order_by(BankAccount.recorded_at.desc(), BankAccount.id.desc())
    return list(db.session.execute(query).scalars())


def checked(typed: BankDetails) -> BankDetails:
    """The details normalised, or BankDetailsRefused with the first mistake."""
    return BankDetails(checked_holder_name(typed.holder_name), checked_iban(typed.iban), checked_bic(typed.bic))


def paid_dossiers(organisation_id: int) -> list[int]:
    """The organisation's dossiers on which at least one payment has been recorded."""
    return list(db.session.execute(
        select(Decision.dossier_id).join(PaymentTranche, PaymentTranche.decision_id == Decision.id)
        .join(Dossier, Dossier.id == Decision.dossier_id)
        .where(Dossier.organisation_id == organisation_id, Decision.outcome == GRANTED,
               PaymentTranche.paid_on.is_not(None)).distinct().order_by(Decision.dossier_id)).scalars())


def record_bank_details(dossier: Dossier, typed: BankDetails, user, now: datetime) -> BankAccount:
    """Keep new details for the dossier's organisation; the previous ones stay in its history."""
    details = checked(typed)
    previous = current_account(dossier.organisation_id)
    if previous is not None and (previous.holder_name, previous.iban, previous.bic) == \
            (details.holder_name, details.iban, details.bic):
        raise BankDetailsRefused(_("Ces coordonnées sont déjà celles enregistrées : rien n'a changé."), "iban")
    account = BankAccount(organisation_id=dossier.organisation_id, holder_name=details.holder_name,
                          iban=details.iban, bic=details.bic, recorded_by_id=user.id, recorded_at=now,
                          dossier_id=dossier.id)
    db.session.add(account)
    db.session.flush()
    paid = paid_dossiers(dossier.organisation_id)
    if previous is not None and paid:
        _seal(paid, account, previous, user, now)
        _warn_members(dossier, account, previous, user)
    return account


def _seal(dossier_ids: list[int], account: BankAccount, previous: BankAccount, user, now: datetime) -> None:
    with force_locale("fr"):  # the audit trail is the authority's record: written in French whoever acts
        comment = _("Coordonnées bancaires de la structure modifiées après un versement : IBAN se terminant par "
                    "%(before)s remplacé par un IBAN se terminant par %(after)s (titulaire : %(holder)s).",
                    before=previous.iban_end, after=account.iban_end, holder=account.holder_name)
    for dossier_id in dossier_ids:
        dossier = engine.lock(dossier_id)  # its row lock: no transition appends to its chain meanwhile
        audit.append(dossier, transition=BANK_DETAILS_CHANGED, from_state=dossier.state, to_state=dossier.state,
                     actor=user, at=now, comment=comment, holder_visible=True,
                     payload={"bank_account": account.id, "previous_bank_account": previous.id,
                              "iban_end": account.iban_end, "previous_iban_end": previous.iban_end,
                              "bic": account.bic, "previous_bic": previous.bic})
    db.session.flush()


def _warn_members(dossier: Dossier, account: BankAccount, previous: BankAccount, user) -> None:
    link = external_url("bank.details", dossier_id=dossier.id)
    for membership in dossier.organisation.memberships:
        member = membership.user
        if not member.active:
            continue
        queue_mail(member.email, CHANGED_MAIL, user=member, key=f"{CHANGED_MAIL}:{account.id}:{member.id}",
                   organisation=dossier.organisation.name, changed_by=user.display_name, changed_at=account.recorded_at,
                   iban_end=account.iban_end, previous_iban_end=previous.iban_end, holder_name=account.holder_name,
                   bic=account.bic, link=link)
