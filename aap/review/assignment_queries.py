"""Reads of the assignment page: the inputs of a run from the database, their digest, and the page's rows."""
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, false, or_
from sqlalchemy.orm import joinedload

from aap.dossiers.models import Dossier
from aap.dossiers.reviewers import DECLINED, Assignment, Conflict
from aap.extensions import db
from aap.review import assignment as solver
from aap.review.assignment_runs import AssignmentRun
from aap.review.models import SUBMITTED, PoolMember, Review
from aap.workflow.engine import workflow_of_version
from aap.workflow.models import WorkflowVersion


def under_review_condition(call):
    """Submitted dossiers (a reference is given at the first submission) in a state that is not final."""
    versions = db.session.execute(db.select(WorkflowVersion).where(WorkflowVersion.id.in_(
        db.select(Dossier.workflow_version_id).where(Dossier.call_id == call.id).distinct()))).scalars().all()
    clauses = []
    for version in versions:
        workflow = workflow_of_version(version)
        open_states = [s.name for s in workflow.states.values() if not s.final and s.name != workflow.initial]
        clauses.append(and_(Dossier.workflow_version_id == version.id, Dossier.state.in_(open_states)))
    return and_(Dossier.call_id == call.id, Dossier.reference.is_not(None), or_(*clauses) if clauses else false())


def dossiers_under_review(call) -> list[Dossier]:
    return list(db.session.execute(db.select(Dossier).where(under_review_condition(call))
                                   .options(joinedload(Dossier.organisation), joinedload(Dossier.strand))
                                   .order_by(Dossier.id)).unique().scalars())


def pool_of(call) -> list[PoolMember]:
    return list(db.session.execute(db.select(PoolMember).where(PoolMember.call_id == call.id)
                                   .options(joinedload(PoolMember.user)).order_by(PoolMember.id)).scalars())


def assignments_of(call) -> list[Assignment]:
    return list(db.session.execute(db.select(Assignment).join(Dossier, Dossier.id == Assignment.dossier_id)
                                   .where(Dossier.call_id == call.id).options(joinedload(Assignment.user))
                                   .order_by(Assignment.id)).scalars())


def conflict_pairs(call) -> set[tuple[int, int]]:
    return set(db.session.execute(db.select(Conflict.user_id, Conflict.dossier_id)
                                  .join(Dossier, Dossier.id == Conflict.dossier_id)
                                  .where(Dossier.call_id == call.id)).tuples())


def submitted_review_pairs(call) -> set[tuple[int, int]]:
    return set(db.session.execute(db.select(Review.user_id, Review.dossier_id)
                                  .join(Dossier, Dossier.id == Review.dossier_id)
                                  .where(Dossier.call_id == call.id, Review.state == SUBMITTED)).tuples())


@dataclass
class Inputs:
    """What a run reads, loaded once; `request` is the module's input and `fingerprint` its digest."""

    call: object
    dossiers: list
    pool: list
    assignments: list
    conflicts: set

    @staticmethod
    def reviewer(member: PoolMember) -> solver.Reviewer:
        return solver.Reviewer(member.user_id, member.group, member.cap,
                               frozenset(str(s) for s in member.strand_ids or ()),
                               frozenset(member.non_neutral_communes or ()))

    @staticmethod
    def dossier(dossier: Dossier) -> solver.Dossier:
        return solver.Dossier(dossier.id, str(dossier.strand_id) if dossier.strand_id else None,
                              dossier.organisation.commune_insee or None)

    def request(self, **limits) -> solver.AssignmentRequest:
        ids = {dossier.id for dossier in self.dossiers}
        mine = [a for a in self.assignments if a.dossier_id in ids]
        return solver.AssignmentRequest(
            dossiers=[self.dossier(d) for d in self.dossiers], reviewers=[self.reviewer(m) for m in self.pool],
            reviews_per_dossier=self.call.reviews_per_dossier, groups_per_dossier=self.call.groups_per_dossier,
            conflicts=frozenset(self.conflicts),
            existing=frozenset((a.user_id, a.dossier_id) for a in mine if a.state != DECLINED),
            declined=frozenset((a.user_id, a.dossier_id) for a in mine if a.state == DECLINED), **limits)

    @property
    def fingerprint(self) -> str:
        facts = {
            "n": self.call.reviews_per_dossier, "k": self.call.groups_per_dossier,
            "dossiers": [[d.id, d.strand_id, d.organisation.commune_insee] for d in self.dossiers],
            "pool": [[m.user_id, m.group, m.cap, sorted(map(str, m.strand_ids or ())),
                      sorted(m.non_neutral_communes or ())] for m in self.pool],
            "assignments": sorted([a.user_id, a.dossier_id, a.state] for a in self.assignments),
            "conflicts": sorted(self.conflicts),
        }
        return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def inputs_of(call) -> Inputs:
    return Inputs(call, dossiers_under_review(call), pool_of(call), assignments_of(call), conflict_pairs(call))


def latest_run(call) -> AssignmentRun | None:
    return db.session.execute(db.select(AssignmentRun).where(AssignmentRun.call_id == call.id)
                              .order_by(AssignmentRun.id.desc()).limit(1)).scalar_one_or_none()


def assignments_by_dossier(assignments) -> dict[int, list[Assignment]]:
    grouped = defaultdict(list)
    for assignment in assignments:
        grouped[assignment.dossier_id].append(assignment)
    return grouped
