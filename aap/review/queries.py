"""Read paths of reviews: a call's grid, a dossier's reviews with their grids and groups, counts per version."""
from sqlalchemy import func
from sqlalchemy.orm import joinedload

from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.review.models import SUBMITTED, GridVersion, PoolMember, Review
from aap.review.scoring import Criterion, Grid

#: the group of a reviewer who is in none of the call's pools
UNKNOWN_GROUP = "unknown"

#: where a new call's grid starts: the criteria of Plaine Commune's ESS call (French data, as a call stores it)
PROPOSED_CRITERIA = (
    {"key": "utilite_sociale", "label": "Utilité sociale", "weight": "3", "minimum": "0", "maximum": "5",
     "required": True},
    {"key": "ancrage_territorial", "label": "Ancrage territorial", "weight": "2", "minimum": "0", "maximum": "5",
     "required": True},
    {"key": "gouvernance", "label": "Gouvernance démocratique", "weight": "2", "minimum": "0", "maximum": "5",
     "required": True},
    {"key": "viabilite", "label": "Viabilité économique", "weight": "2", "minimum": "0", "maximum": "5",
     "required": True},
    {"key": "cooperation", "label": "Coopération", "weight": "1", "minimum": "0", "maximum": "5",
     "required": False},
    {"key": "emplois", "label": "Emplois", "weight": "1", "minimum": "0", "maximum": "5", "required": False},
)


def criteria_of(grid: Grid) -> list[dict]:
    """A grid as GridVersion stores it: numbers as strings, in order."""
    return [{"key": c.key, "label": c.label, "weight": str(c.weight), "minimum": str(c.minimum),
             "maximum": str(c.maximum), "required": c.required} for c in grid.criteria]


def proposed_grid() -> Grid:
    return Grid(tuple(Criterion(**item) for item in PROPOSED_CRITERIA))


def current_grid(call_id: int) -> GridVersion | None:
    """The version new reviews are scored on: the call's latest; None before the first is published."""
    return db.session.execute(db.select(GridVersion).where(GridVersion.call_id == call_id)
                              .order_by(GridVersion.version.desc()).limit(1)).scalar_one_or_none()


def own_review(dossier_id: int, user_id: int) -> Review | None:
    return db.session.execute(db.select(Review).options(joinedload(Review.grid_version)).where(
        Review.dossier_id == dossier_id, Review.user_id == user_id)).scalar_one_or_none()


def dossier_reviews(dossier) -> list[Review]:
    """Every review of a dossier, its grid and its author loaded: one query whatever their number."""
    return list(db.session.execute(db.select(Review).options(joinedload(Review.grid_version), joinedload(Review.user))
                                   .where(Review.dossier_id == dossier.id).order_by(Review.id)).scalars())


def groups_of(call_id: int, user_ids) -> dict[int, str]:
    """user id → stakeholder group in the call's pools; those in no pool are in UNKNOWN_GROUP."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return {}
    found = dict(db.session.execute(db.select(PoolMember.user_id, PoolMember.group).where(
        PoolMember.call_id == call_id, PoolMember.user_id.in_(user_ids))).all())
    return {user_id: found.get(user_id, UNKNOWN_GROUP) for user_id in user_ids}


def review_counts(call_id: int) -> dict[int, dict[str, int]]:
    """grid version number → {"submitted": n, "draft": n, "frozen": n} for the call's reviews."""
    rows = db.session.execute(
        db.select(GridVersion.version, Review.state, Review.frozen_at.is_not(None), func.count(Review.id))
        .join(Review, Review.grid_version_id == GridVersion.id).where(GridVersion.call_id == call_id)
        .group_by(GridVersion.version, Review.state, Review.frozen_at.is_not(None))).all()
    counts: dict[int, dict[str, int]] = {}
    for version, state, frozen, count in rows:
        entry = counts.setdefault(version, {"submitted": 0, "draft": 0, "frozen": 0})
        entry["submitted" if state == SUBMITTED else "draft"] += count
        if frozen:
            entry["frozen"] += count
    return counts


def frozen_at(dossier_id: int):
    """When the dossier's reviews were frozen, if they were: the freeze covers reviews begun later too."""
    return db.session.execute(db.select(func.max(Review.frozen_at)).where(Review.dossier_id == dossier_id)).scalar()


def call_dossiers(call_id: int) -> list[Dossier]:
    return list(db.session.execute(db.select(Dossier).where(Dossier.call_id == call_id,
                                                            Dossier.reference.is_not(None))).scalars())
