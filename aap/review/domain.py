"""What the review adds: reviewer pools, conflicts of interest, assignment, scoring grids, reviews, aggregates."""
from flask import Flask

from aap.core.domains import Domain
from aap.core.signals import dossier_panels_wanted
from aap.review import (
    blueprint,
    instruction_views,
    models,  # noqa: F401  (the review's tables belong to the app's metadata)
    ranking_views,
)
from aap.review.panel import review_panel
from aap.review.scoring import shown


def _setup(app: Flask) -> None:
    app.jinja_env.filters.update(score=shown)


DOMAIN = Domain("review", blueprints=(ranking_views.bp, instruction_views.bp, blueprint.bp), setup=_setup,
                receivers=((dossier_panels_wanted, review_panel),))
