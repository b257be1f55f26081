"""Every write of the review: publishing a grid version, saving a review, freezing reviews. Nothing here commits."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from aap.calls.models import Call
from aap.core.formatting import date_time
from aap.dossiers.reviewers import DECLINED, DONE, Assignment
from aap.extensions import db
from aap.review.models import DRAFT, SUBMITTED, GridVersion, Review
from aap.review.queries import call_dossiers, criteria_of, current_grid, frozen_at, proposed_grid
from aap.review.scoring import Grid, read_answer, weighted_score
from aap.review.standings import lock_dossier, record_standing
from aap.workflow import audit

#: the audit record of a freeze, in each dossier's history
REVIEWS_FROZEN = "reviews_frozen"


class ReviewRefused(Exception):
    """The save is refused as a whole; the French message says why, nothing was written."""


class StaleReview(ReviewRefused):
    """Someone saved this review (or this grid) since the form showed it."""


def publish_grid(call, grid: Grid, user, based_on: int) -> tuple[GridVersion, int]:
    """A new version of the call's grid; unfrozen drafts move to it keeping the answers still valid.

    Submitted reviews keep the version they were scored on. Returns the version and the drafts moved.
    `based_on` is the version number the editor showed (0: none): another publication since is refused.
    """
    current = current_grid(call.id)
    if (current.version if current else 0) != based_on:
        raise StaleReview(_("Une autre version de la grille (version %(n)d) a été publiée depuis que vous avez ouvert "
                            "cette page : rien n'a été enregistré. Vos saisies sont ci-dessous ; rechargez la page "
                            "pour voir la nouvelle version, puis reportez-les.", n=current.version if current else 0))
    version = GridVersion(call_id=call.id, version=based_on + 1, criteria=criteria_of(grid),
                          created_by_id=user.id if user else None)
    db.session.add(version)
    moved = 0
    if current is not None:
        drafts = db.session.execute(db.select(Review).where(
            Review.grid_version_id == current.id, Review.state == DRAFT, Review.frozen_at.is_(None))).scalars()
        for review in drafts:
            review.grid_version = version
            review.scores = kept_answers(grid, review.scores)
            moved += 1
    try:
        db.session.flush()
    except IntegrityError:
        raise StaleReview(_("Une autre version de la grille vient d'être publiée : rien n'a été enregistré. "
                            "Rechargez la page, puis reportez vos saisies.")) from None
    return version, moved


def kept_answers(grid: Grid, scores: dict) -> dict:
    """The answers of a draft that the new grid still accepts: same key, within the new scale."""
    kept = {}
    for criterion in grid.criteria:
        answer, error = read_answer(criterion, scores.get(criterion.key), submitting=False)
        if answer is not None and error is None:
            kept[criterion.key] = str(answer)
    return kept


def grid_to_score(call, user) -> GridVersion:
    """The version a new review is scored on; the proposed grid becomes version 1 if none was published."""
    return current_grid(call.id) or publish_grid(call, proposed_grid(), user, 0)[0]


@dataclass(frozen=True)
class ReviewInput:
    """What the form brings, already checked: scores by key ("n/a" or a numeral)."""

    scores: dict
    committee_comment: str
    holder_comment: str
    recommendation: str | None
    proposed_amount: Decimal | None


def save_review(dossier, user, review: Review | None, data: ReviewInput, *, submitting: bool,
                expected_version: int | None, now: datetime) -> Review:
    """Write a draft or a submission of `user`'s review; refused after the freeze or from a stale form.

    `expected_version` is the review's lock_version the form showed, None when there was no review yet.
    """
    if submitting or (review is not None and review.state == SUBMITTED):
        lock_dossier(dossier.id)
    refuse_if_frozen(dossier, review)
    if (review.lock_version if review else None) != expected_version:
        raise stale()
    if review is None:
        review = Review(dossier_id=dossier.id, user_id=user.id, grid_version=grid_to_score(dossier.call, user))
        db.session.add(review)
    review.scores = {key: str(value) for key, value in data.scores.items()}
    review.committee_comment, review.holder_comment = data.committee_comment, data.holder_comment
    review.recommendation, review.proposed_amount = data.recommendation, data.proposed_amount
    if submitting:
        review.weighted_score = weighted_score(review.grid_version.grid, data.scores)
        if review.state != SUBMITTED:
            review.state, review.submitted_at = SUBMITTED, now
        mark_done(dossier, user)
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        raise stale() from None
    if review.state == SUBMITTED:
        record_standing(dossier, now)
    return review


def stale() -> StaleReview:
    return StaleReview(_("Cette relecture a été enregistrée ailleurs (dans un autre onglet ?) depuis que vous l'avez "
                         "ouverte : rien n'a été enregistré. Vos saisies sont ci-dessous : copiez-les, rechargez la "
                         "page, puis reportez-les."))


def refuse_if_frozen(dossier, review: Review | None) -> None:
    moment = review.frozen_at if review is not None and review.frozen_at else frozen_at(dossier.id)
    if moment is not None:
        raise ReviewRefused(frozen_message(moment))


def frozen_message(moment: datetime) -> str:
    return _("Les relectures de ce dossier ont été figées le %(when)s pour la séance du comité : elles ne peuvent "
             "plus être modifiées. Rien n'a été enregistré.", when=date_time(moment))


def mark_done(dossier, user) -> None:
    assignment = db.session.execute(db.select(Assignment).where(
        Assignment.dossier_id == dossier.id, Assignment.user_id == user.id, Assignment.state != DECLINED)
    ).scalar_one_or_none()
    if assignment is not None:
        assignment.state = DONE


def freeze_reviews(target, at: datetime, actor=None) -> int:
    """Freeze the reviews of a call (or of the given dossiers) at `at`; no review of them changes afterwards.

    An assigned reviewer who has not begun gets an empty frozen draft, so that nothing is begun later either.
    Each dossier touched records the freeze in its (internal) history. Returns the number of reviews frozen.
    """
    dossiers = call_dossiers(target.id) if isinstance(target, Call) else list(target)
    total = 0
    for dossier in dossiers:
        count = _freeze_dossier(dossier, at, actor)
        if count:
            audit.append(dossier, transition=REVIEWS_FROZEN, from_state=dossier.state, to_state=dossier.state,
                         actor=actor, at=at, payload={"reviews": count}, holder_visible=False)
            total += count
    db.session.flush()
    return total


def _freeze_dossier(dossier, at: datetime, actor) -> int:
    lock_dossier(dossier.id)  # a review submitted meanwhile is either in before the freeze, or refused after it
    reviews = {review.user_id: review for review in db.session.execute(
        db.select(Review).where(Review.dossier_id == dossier.id)).scalars()}
    waiting = db.session.execute(db.select(Assignment.user_id).where(
        Assignment.dossier_id == dossier.id, Assignment.state != DECLINED)).scalars()
    for user_id in waiting:
        if user_id not in reviews:
            reviews[user_id] = Review(dossier_id=dossier.id, user_id=user_id,
                                      grid_version=grid_to_score(dossier.call, actor))
            db.session.add(reviews[user_id])
    count = 0
    for review in reviews.values():
        if review.frozen_at is None:
            review.frozen_at, count = at, count + 1
    return count
