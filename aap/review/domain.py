"""What the review adds: reviewer pools, conflicts of interest, assignment, scoring grids, reviews, aggregates."""
from aap.core.domains import Domain
from aap.review import models  # noqa: F401  (the review's tables belong to the app's metadata)

DOMAIN = Domain("review")
