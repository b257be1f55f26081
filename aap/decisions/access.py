"""Who may decide, see and follow a grant, decided here and nowhere else.

The authority's decisions are taken by the roles its workflow names on the decision transitions (admin in
Plaine Commune's); a co-funder's by the people seated as its deciders, and by administrators. Holders see a
decision only once released, and never a staged one.
"""
from dataclasses import dataclass

from sqlalchemy import select

from aap.core.roles import ADMIN, HOLDER, STAFF_ROLES
from aap.decisions.events import DECISION_EVENTS
from aap.decisions.models import GRANTED, Funder, FunderDecider
from aap.dossiers.access import access, roles_on
from aap.extensions import db
from aap.workflow.engine import workflow_of, workflow_of_version


@dataclass(frozen=True)
class GrantAccess:
    #: records this funder's decisions on the dossier (staged, then released)
    decide: bool = False
    #: sees decisions before their release, and every funder's figures
    see_staged: bool = False
    #: follows the grant: agreement, payments, closing
    manage: bool = False
    #: reviews the final report (accepts it or returns it)
    review_report: bool = False
    #: the holder's side: released decisions, letters, agreement, bank details, the final report
    holder: bool = False


NONE = GrantAccess()


def decider_of(user, funder) -> bool:
    return user.is_authenticated and any(seat.user_id == user.id for seat in funder.deciders)


def authority_roles(workflow) -> frozenset[str]:
    """The roles the workflow lets decide: those of the transitions a released decision applies."""
    events = set(DECISION_EVENTS.values())
    return frozenset(role for transition in workflow.transitions.values() if transition.when in events
                     for role in transition.roles)


def call_funders(call) -> list[Funder]:
    return list(db.session.execute(select(Funder).where(Funder.call_id == call.id)
                                   .order_by(Funder.position, Funder.id)).scalars())


def grant_access(user, dossier, funder=None) -> GrantAccess:
    """What this person may do about the funding of this dossier by `funder` (None: the authority running the call)."""
    if user is None or not user.is_authenticated or access(user, dossier).recused:
        return NONE
    roles = roles_on(user, dossier)
    staff = bool(roles & STAFF_ROLES)
    if funder is None:
        decide = bool(roles & authority_roles(workflow_of(dossier)))
    else:
        decide = ADMIN in roles or decider_of(user, funder)
    manage = ADMIN in roles or (decide and funder is not None)
    return GrantAccess(decide=decide, see_staged=staff or decide, manage=manage, review_report=staff,
                       holder=HOLDER in roles and access(user, dossier).view)


def sees_decision(user, decision) -> bool:
    """A released decision is the holder's and staff's to read; a staged one only the decider's and staff's."""
    rights = grant_access(user, decision.dossier, decision.funder)
    return rights.see_staged or (rights.holder and decision.released)


@dataclass(frozen=True)
class AgreementAccess:
    #: reads the generated text, its PDF and the signed scan
    read: bool = False
    #: generates the text and records the signature
    manage: bool = False


def agreement_access(user, decision) -> AgreementAccess:
    """A released grant's agreement is its holder's and staff's to read, managed by those who follow the grant."""
    if decision.outcome != GRANTED or not decision.released or decision.superseded:
        return AgreementAccess()
    rights = grant_access(user, decision.dossier, decision.funder)
    return AgreementAccess(read=rights.see_staged or rights.holder, manage=rights.manage)


def call_roles(user, call) -> frozenset[str]:
    if user is None or not user.is_authenticated:
        return frozenset()
    return frozenset(grant.role for grant in user.grants if grant.call_id in (None, call.id))


def decides_on_call(user, call, funder) -> bool:
    """Records this funder's decisions on the call's dossiers: the board, the batch of a session, the release."""
    roles = call_roles(user, call)
    if funder is not None:
        return funder.call_id == call.id and (ADMIN in roles or decider_of(user, funder))
    if call.workflow_version is None:
        return False
    return bool(roles & authority_roles(workflow_of_version(call.workflow_version)))


def seated_calls(user) -> set[int]:
    """The calls where the person decides for a co-funder."""
    if not user.is_authenticated:
        return set()
    return set(db.session.execute(select(Funder.call_id).join(FunderDecider, FunderDecider.funder_id == Funder.id)
                                  .where(FunderDecider.user_id == user.id)).scalars())


def sees_call_decisions(user, call, seated: set[int] | None = None) -> bool:
    """Reads the call's decisions and envelopes: staff, and whoever decides for one of its funders."""
    if bool(call_roles(user, call) & STAFF_ROLES) or decides_on_call(user, call, None):
        return True
    return call.id in (seated if seated is not None else seated_calls(user))


def sees_every_funder(user, call) -> bool:
    """Staff read every funder's decisions on the call; a co-funder's deciders read their own funder's."""
    return bool(call_roles(user, call) & STAFF_ROLES)


def manages_funders(user, call) -> bool:
    """Seats co-funders and their deciders, changes envelopes: administrators."""
    return ADMIN in call_roles(user, call)


@dataclass(frozen=True)
class ReportAccess:
    #: reads the final report and its files
    read: bool = False
    #: the holder's side: saves drafts, joins files, submits (the report's state says when)
    fill: bool = False
    #: accepts the report or returns it, and records what was not spent
    review: bool = False
    #: closes the grant and records the titres de recettes issued
    close: bool = False


def report_access(user, dossier) -> ReportAccess:
    """What this person may do with the dossier's final report, due to the authority running the call."""
    rights = grant_access(user, dossier)
    return ReportAccess(read=rights.holder or rights.review_report or rights.manage, fill=rights.holder,
                        review=rights.review_report, close=rights.manage)


def manages_grant(user, decision) -> bool:
    """`grant_access(...).manage` for the staff on a list page, without loading each dossier's people."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_role(ADMIN) or (decision.funder is not None and decider_of(user, decision.funder))


@dataclass(frozen=True)
class PaymentAccess:
    #: reads the payment schedule of the dossier's released granted decisions
    schedule: bool = False
    #: opens the page of the organisation's bank details from this dossier
    bank_page: bool = False
    #: types the organisation's bank details: its members, once a released decision grants it something
    enter_bank: bool = False
    #: reads the IBAN in full: the holder and those who pay; other staff read only its last four characters
    bank_in_full: bool = False
    #: the decisions whose schedule this person edits and whose tranches they mark paid
    pays: frozenset[int] = frozenset()


def payment_access(user, dossier, granted) -> PaymentAccess:
    """What this person may do about the payments of `granted`, the dossier's released granted decisions."""
    granted = [decision for decision in granted if decision.released and decision.dossier_id == dossier.id]
    if user is None or not user.is_authenticated or dossier.reference is None:  # a draft is its organisation's
        return PaymentAccess()
    if access(user, dossier).recused or not access(user, dossier).view:
        return PaymentAccess()
    holder = grant_access(user, dossier).holder and bool(granted)
    roles = roles_on(user, dossier)
    staff = bool(roles & STAFF_ROLES)
    # grant_access().manage for each decision, in one query whatever the number of co-funders
    seats = seated_funders(user) if ADMIN not in roles and any(d.funder_id for d in granted) else set()
    pays = frozenset(decision.id for decision in granted
                     if ADMIN in roles or (decision.funder_id is not None and decision.funder_id in seats))
    return PaymentAccess(schedule=holder or staff or bool(pays), bank_page=holder or staff or bool(pays),
                         enter_bank=holder, bank_in_full=holder or bool(pays), pays=pays)


def seated_funders(user) -> set[int]:
    """The co-funders this person decides for."""
    return set(db.session.execute(select(FunderDecider.funder_id).where(FunderDecider.user_id == user.id)).scalars())


def follows_payments(user) -> bool:
    """The list of payments due, across calls: the authority's instruction team."""
    return user.is_authenticated and bool(user.roles() & STAFF_ROLES)


def exports_payments(user) -> bool:
    """The export for the finance software carries whole IBANs: only those who pay the authority's grants."""
    return user.is_authenticated and user.has_role(ADMIN)
