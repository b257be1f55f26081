"""Who may do what to a dossier, decided here and nowhere else.

`access(user, dossier)` answers for one dossier; `visible_condition(user, Dossier)` is its SQL twin for
list pages. tests/dossiers/test_access.py holds the two together on a generated population.
Reviewers, conflicts of interest, blind rules and recusal are added here, to both.
"""
import time
from dataclasses import dataclass

from flask import g, has_app_context, has_request_context, session
from sqlalchemy import and_, false, or_

from aap.core.roles import ADMIN, COMMITTEE, FUNDER, HOLDER, REVIEWER, STAFF_ROLES
from aap.dossiers.reviewers import DECLINED, DONE, RECUSED, Assignment, Conflict
from aap.extensions import db
from aap.organisations.models import Membership
from aap.workflow.engine import workflow_of

ACTIONS = ("view", "edit", "thread", "staff_view", "internal_notes", "review", "reviews", "read_answers")
#: the call roles that read dossiers without running the instruction; a conflict of interest sets them aside
READER_ROLES = frozenset({REVIEWER, COMMITTEE, FUNDER})
_CACHE = "dossier_access"
#: how long an administrator's recorded support opening of a draft lasts, in this browser session
SUPPORT_SECONDS = 3600
_SUPPORT = "support_access"


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
    #: writes their own review: an assignment they have not declined
    review: bool = False
    #: reads the reviews and scores; a reviewer only once their own review is submitted
    reviews: bool = False
    #: sees who wrote each review (never the holder)
    reviewer_names: bool = False
    #: the call hides the holder's identity from its reviewers: no organisation, no identifying answer
    identity_hidden: bool = False
    #: why someone who would otherwise see the dossier steps aside (a conflict of interest, a recusal)
    recused: str | None = None
    #: an administrator may open this unsubmitted draft for support, once the opening is recorded
    support_possible: bool = False
    #: reads every answer as submitted (the reading view, the « dossier complet »); a draft is read in its edit form
    read_answers: bool = False

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


def is_private_draft(dossier) -> bool:
    """Never submitted: the reference is given at the first submission. Until then it is the organisation's."""
    return dossier.reference is None


def _decide(user, dossier) -> DossierAccess:
    roles = roles_on(user, dossier)
    if not roles:
        return NONE
    if HOLDER not in roles and is_private_draft(dossier):
        if ADMIN not in roles:
            return NONE
        if not _support_granted(dossier):
            return DossierAccess(roles=frozenset(), support_possible=True)
        return DossierAccess(roles=frozenset(), view=True, staff_view=True, internal_notes=True)
    if roles & READER_ROLES and _conflicted(user, dossier):
        roles -= READER_ROLES
        if not roles:
            return DossierAccess(roles=frozenset(), recused=str(RECUSED))
    assignment = _assignment(user, dossier) if REVIEWER in roles else None
    if roles == {REVIEWER}:
        return _as_reviewer(roles, dossier, assignment)
    staff = bool(roles - {HOLDER})
    editable_by = set(workflow_of(dossier).states[dossier.state].editable_by)
    return DossierAccess(roles=roles, view=True, edit=bool(roles & editable_by),
                         thread=bool(roles & (STAFF_ROLES | {HOLDER})), staff_view=staff, internal_notes=staff,
                         review=assignment is not None, reviews=staff, reviewer_names=staff,
                         read_answers=not is_private_draft(dossier))


def _as_reviewer(roles, dossier, assignment) -> DossierAccess:
    """A reviewer reads only what they are assigned, and the others' reviews once theirs is submitted."""
    if assignment is None:
        return NONE
    return DossierAccess(roles=roles, view=True, review=True, reviews=assignment.state == DONE,
                         reviewer_names=True, identity_hidden=bool(dossier.call.hide_holder_identity),
                         read_answers=True)


def piece_withheld(user, dossier, kind: str) -> bool:
    """A blind reviewer reads a piece's title, never a file that could name the holder.

    Only the form's own file questions not marked identifying are safe: the call's required pieces
    (statutes, bank details, certificates) and the free « autres pièces » carry the organisation's name.
    """
    if not access(user, dossier).identity_hidden:
        return False
    questions = dossier.form_version.definition.fields() if dossier.form_version is not None else []
    question = next((q for q in questions if q.key == kind and q.type == "file"), None)
    return question is None or question.identifying


def _conflicted(user, dossier) -> bool:
    return db.session.execute(db.select(Conflict.id).where(
        Conflict.dossier_id == dossier.id, Conflict.user_id == user.id)).first() is not None


def _assignment(user, dossier) -> Assignment | None:
    return db.session.execute(db.select(Assignment).where(
        Assignment.dossier_id == dossier.id, Assignment.user_id == user.id,
        Assignment.state != DECLINED)).scalar_one_or_none()


def grant_support(dossier) -> None:
    """Record in this browser session that its administrator may open this draft (the caller audits it)."""
    granted = {key: until for key, until in session.get(_SUPPORT, {}).items() if until > time.time()}
    granted[str(dossier.id)] = time.time() + SUPPORT_SECONDS
    session[_SUPPORT] = granted
    g.pop(_CACHE, None)


def _support_granted(dossier) -> bool:
    return has_request_context() and session.get(_SUPPORT, {}).get(str(dossier.id), 0) > time.time()


def visible_condition(user, dossier_entity):
    """The SQL twin of `access(user, d).view` (support openings aside): a WHERE clause on the Dossier entity."""
    if user is None or not user.is_authenticated:
        return false()
    member_of = dossier_entity.organisation_id.in_(
        db.select(Membership.organisation_id).where(Membership.user_id == user.id))
    submitted = dossier_entity.reference.is_not(None)  # lists never show a draft to staff, support included
    if any(grant.call_id is None for grant in user.grants):
        return or_(member_of, submitted)
    reading_calls = sorted({grant.call_id for grant in user.grants if grant.role in READER_ROLES - {REVIEWER}})
    reviewing_calls = sorted({grant.call_id for grant in user.grants if grant.role == REVIEWER} - set(reading_calls))
    not_conflicted = dossier_entity.id.not_in(db.select(Conflict.dossier_id).where(Conflict.user_id == user.id))
    assigned = dossier_entity.id.in_(db.select(Assignment.dossier_id).where(
        Assignment.user_id == user.id, Assignment.state != DECLINED))
    return or_(member_of, and_(submitted, not_conflicted, or_(
        dossier_entity.call_id.in_(reading_calls), and_(dossier_entity.call_id.in_(reviewing_calls), assigned))))
