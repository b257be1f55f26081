"""What the payments' pages load first: the dossier, its released granted decisions and this person's rights."""
from dataclasses import dataclass

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from aap.decisions.access import PaymentAccess, payment_access
from aap.decisions.bank_checks import grouped
from aap.decisions.lifecycle import granted_decisions
from aap.decisions.models import Decision, Funder
from aap.dossiers.models import Dossier
from aap.extensions import db

MASK = "•"


@dataclass(frozen=True)
class PaymentsOf:
    dossier: Dossier
    granted: list[Decision]
    rights: PaymentAccess


def payments_of(dossier_id: int, need: str = "schedule") -> PaymentsOf:
    """The dossier's payments as this person may know them; 404 when they may not (`need`: a PaymentAccess flag)."""
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None:
        abort(404)
    granted = granted_decisions(dossier.id)
    rights = payment_access(current_user, dossier, granted)
    if not getattr(rights, need):
        abort(404)
    return PaymentsOf(dossier, granted, rights)


def funder_names(decisions: list[Decision]) -> dict[int | None, str]:
    """Each decision's funder by name, in one query whatever their number; None stands for the authority."""
    ids = {decision.funder_id for decision in decisions if decision.funder_id is not None}
    names = dict(db.session.execute(select(Funder.id, Funder.name).where(Funder.id.in_(ids))).all()) if ids else {}
    return {None: "", **names}


def masked_iban(iban: str) -> str:
    """Every character but the last four hidden, grouped as a RIB prints it."""
    return grouped(MASK * (len(iban) - 4) + iban[-4:])


def shown_iban(iban: str, in_full: bool) -> Markup:
    """The IBAN as this reader may see it; a masked one is read aloud as what it is."""
    if in_full:
        return Markup('<span class="iban">%s</span>') % grouped(iban)
    return Markup('<span aria-hidden="true" class="iban">%s</span><span class="visually-hidden">%s</span>') % (
        masked_iban(iban), escape(_ending(iban)))


def _ending(iban: str) -> str:
    return _("IBAN masqué, se terminant par %(end)s", end=iban[-4:])
