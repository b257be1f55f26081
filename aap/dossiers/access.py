"""Who may do what to a dossier, decided here and nowhere else.

`access(user, dossier)` answers for one dossier; `visible_condition(user, Dossier)` is its SQL twin for
list pages. tests/dossiers/test_access.py holds the two together on a generated population.
Reviewers, conflicts of interest, blind rules and recusal are added here, to both.
"""
from dataclasses import dataclass

from flask import g, has_app_context
from sqlalchemy import false, or_, true

from aap.core.roles import HOLDER, STAFF_ROLES
from aap.extensions import db
from aap.organisations.models import Membership
from aap.workflow.engine import workflow_of

ACTIONS = ("view", "edit", "thread", "staff_view", "internal_notes")
_CACHE = "dossier_access"


@dataclass(frozen=True)
class DossierAccess:
    #: the person's roles on this dossier: holder, and the grants that reach its call
    roles: frozenset[str]
    view: bool = False
    edit: bool = False
    #: the exchanges between the holders and the instruction team
    thread: bool = False
    #: sees the internal history, the staff's names and the internal notes
    staff_view: bool = False
    internal_notes: bool = False
    #: why someone who would otherwise see the dossier steps aside (a conflict of interest, a recusal)
    recused: str | None = None

    def allows(self, action: str) -> bool:
        if action not in ACTIONS:
            return False
        return getattr(self, action)


NONE = DossierAccess(roles=frozenset())


def roles_on(user, dossier) -> frozenset[str]:
    """Holder if the person belongs to the organisation, plus every grant global or on the dossier's call."""
    if user is None or not user.is_authenticated:
        return frozenset()
    roles = {grant.role for grant in user.grants if grant.call_id in (None, dossier.call_id)}
    if any(membership.user_id == user.id for membership in dossier.organisation.memberships):
        roles.add(HOLDER)
    return frozenset(roles)


def access(user, dossier) -> DossierAccess:
    """What this person may do to this dossier now; computed once per request and dossier state."""
    if user is None or not user.is_authenticated:
        return NONE
    key = (user.id, dossier.id, dossier.state, dossier.lock_version)
    cache = g.setdefault(_CACHE, {}) if has_app_context() else {}
    if key not in cache:
        cache[key] = _decide(user, dossier)
    return cache[key]


def _decide(user, dossier) -> DossierAccess:
    roles = roles_on(user, dossier)
    if not roles:
        return NONE
    staff = bool(roles - {HOLDER})
    editable_by = set(workflow_of(dossier).states[dossier.state].editable_by)
    return DossierAccess(roles=roles, view=True, edit=bool(roles & editable_by),
                         thread=bool(roles & (STAFF_ROLES | {HOLDER})), staff_view=staff, internal_notes=staff)


def visible_condition(user, dossier_entity):
    """The SQL twin of `access(user, d).view`: a WHERE clause on the Dossier entity (or an alias of it)."""
    if user is None or not user.is_authenticated:
        return false()
    if any(grant.call_id is None for grant in user.grants):
        return true()
    member_of = db.select(Membership.organisation_id).where(Membership.user_id == user.id)
    granted_calls = sorted({grant.call_id for grant in user.grants})
    return or_(dossier_entity.organisation_id.in_(member_of), dossier_entity.call_id.in_(granted_calls))
