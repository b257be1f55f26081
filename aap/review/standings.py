"""Each dossier's submitted reviews in figures (`ReviewStanding`), written as a review is submitted.

The figures follow aap.review.aggregates (the mean and divergence leave "n/a" out); `figures` is the one place
that computes them, for a submission, a rebuild of a whole call and the migration that first filled them.
"""
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from itertools import groupby

from sqlalchemy import delete, insert, select

from aap.dossiers.models import Dossier
from aap.extensions import db
from aap.review.aggregates import RECOMMENDATIONS, divergence, summarise
from aap.review.models import SUBMITTED, Review, ReviewStanding
from aap.review.scoring import CONTEXT

SCORE_PLACES = Decimal("1E-10")
AMOUNT_PLACES = Decimal("1E-4")


def figures(reviews: Iterable[tuple[Decimal | None, str | None, Decimal | None]]) -> dict:
    """The columns of a standing from its submitted reviews' (weighted score, recommendation, proposed amount)."""
    reviews = list(reviews)
    scores = summarise(score for score, _recommendation, _amount in reviews)
    counted = Counter(recommendation for _score, recommendation, _amount in reviews if recommendation)
    proposed = [amount for _score, _recommendation, amount in reviews if amount is not None]
    mean_proposed = CONTEXT.divide(sum(proposed, Decimal(0)), len(proposed)) if proposed else None
    return {"reviews": len(reviews), "scored": scores.count,
            "score": None if scores.mean is None else scores.mean.quantize(SCORE_PLACES, context=CONTEXT),
            "lowest": scores.minimum, "highest": scores.maximum, "divergent": divergence(scores).flagged,
            "recommendations": {key: counted[key] for key in RECOMMENDATIONS if counted[key]},
            "mean_proposed": None if mean_proposed is None else mean_proposed.quantize(AMOUNT_PLACES, context=CONTEXT)}


def lock_dossier(dossier_id: int) -> None:
    """Take the dossier's row lock (PostgreSQL; SQLite's writers are serial already) before reading its reviews.

    Two reviews of one dossier submitted at once then count each other: the second waits, and reads after it.
    """
    db.session.execute(select(Dossier.id).where(Dossier.id == dossier_id).with_for_update())


def _submitted(dossier_ids) -> dict[int, list[tuple]]:
    rows = db.session.execute(
        select(Review.dossier_id, Review.weighted_score, Review.recommendation, Review.proposed_amount)
        .where(Review.state == SUBMITTED, Review.dossier_id.in_(dossier_ids))
        .order_by(Review.dossier_id, Review.id)).all()
    return {dossier_id: [tuple(row)[1:] for row in group] for dossier_id, group in groupby(rows, lambda r: r[0])}


def record_standing(dossier: Dossier, now: datetime) -> ReviewStanding:
    """Recompute a dossier's figures from its submitted reviews, after `lock_dossier` in the same transaction."""
    db.session.flush()
    values = figures(_submitted([dossier.id]).get(dossier.id, []))
    standing = db.session.get(ReviewStanding, dossier.id, populate_existing=True)
    if standing is None:
        standing = ReviewStanding(dossier_id=dossier.id, call_id=dossier.call_id, revision=0)
        db.session.add(standing)
    for name, value in values.items():
        setattr(standing, name, value)
    standing.revision, standing.updated_at = standing.revision + 1, now
    db.session.flush()
    return standing


def rebuild_standings(call_id: int, now: datetime) -> int:
    """Recompute the figures of every dossier of the call from its submitted reviews, in bulk; returns the count."""
    dossier_ids = select(Dossier.id).where(Dossier.call_id == call_id)
    revisions = dict(db.session.execute(select(ReviewStanding.dossier_id, ReviewStanding.revision)
                                        .where(ReviewStanding.call_id == call_id)).all())
    reviews = _submitted(dossier_ids)
    for standing in [item for item in db.session.identity_map.values() if isinstance(item, ReviewStanding)]:
        db.session.expunge(standing)
    db.session.execute(delete(ReviewStanding).where(ReviewStanding.call_id == call_id))
    rows = [{"dossier_id": dossier_id, "call_id": call_id, **figures(lines),
             "revision": revisions.get(dossier_id, 0) + 1, "updated_at": now}
            for dossier_id, lines in reviews.items()]
    for start in range(0, len(rows), 2000):
        db.session.execute(insert(ReviewStanding), rows[start:start + 2000])
    return len(rows)
