"""The review's part of the dossier page: one's own review, the others' side by side, and their aggregates."""
from dataclasses import dataclass

from flask_babel import gettext as _

from aap.core.roles import HOLDER
from aap.dossiers.panels import DossierPanel, rendered_panel
from aap.review import aggregates
from aap.review.group_names import group_label
from aap.review.models import SUBMITTED, GridVersion, Review
from aap.review.queries import dossier_reviews, groups_of
from aap.review.scoring import plain, shown
from aap.workflow.engine import workflow_of

#: after the thread, before the actions
ORDER = 20


@dataclass(frozen=True)
class VersionReviews:
    """The submitted reviews scored on one grid version, and their aggregates."""

    version: GridVersion
    reviews: list[Review]
    aggregate: aggregates.DossierAggregate


def review_panel(dossier, user, rights, **ignored) -> DossierPanel | None:
    """Receiver of dossier_panels_wanted."""
    holder_reads = HOLDER in rights.roles and workflow_of(dossier).states[dossier.state].holder_sees_reviews
    if not (rights.review or rights.reviews or holder_reads):
        return None
    reviews = dossier_reviews(dossier)
    own = next((review for review in reviews if review.user_id == user.id), None)
    submitted = [review for review in reviews if review.state == SUBMITTED]
    context = {"dossier": dossier, "rights": rights, "own": own, "shown": shown, "plain": plain,
               "holder_reads": holder_reads,
               "recommendations": {key: label.translated(_) for key, label in aggregates.RECOMMENDATIONS.items()},
               "holder_comments": [review.holder_comment for review in submitted if review.holder_comment.strip()]}
    if rights.reviews:
        groups = groups_of(dossier.call_id, (review.user_id for review in submitted))
        context.update(by_version=_by_version(submitted, groups), groups=groups, group_label=group_label,
                       overall=aggregates.summarise(review.weighted_score for review in submitted),
                       number={review.id: index for index, review in enumerate(submitted, start=1)})
        flag = aggregates.divergence(context["overall"])
        context["divergence"] = flag.reason.translated(_) if flag.flagged else None
    return rendered_panel(ORDER, "review/_panel.html", **context)


def _by_version(submitted: list[Review], groups: dict[int, str]) -> list[VersionReviews]:
    """Reviews grouped by the grid version they were scored on, newest version first."""
    versions: dict[int, list[Review]] = {}
    for review in submitted:
        versions.setdefault(review.grid_version_id, []).append(review)
    result = []
    for members in versions.values():
        grid = members[0].grid_version.grid
        arithmetic = [aggregates.Review(reviewer=review.user_id, group=groups[review.user_id], scores=review.scores,
                                        recommendation=review.recommendation) for review in members]
        result.append(VersionReviews(members[0].grid_version, members, aggregates.aggregate_dossier(grid, arithmetic)))
    return sorted(result, key=lambda item: item.version.version, reverse=True)
