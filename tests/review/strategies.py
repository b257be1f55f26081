"""Random grids, answers and reviews for the property-based tests of the scoring arithmetic."""
from decimal import Decimal

from hypothesis import settings
from hypothesis import strategies as st

from aap.review.aggregates import RECOMMENDATIONS, Review
from aap.review.scoring import NA, Criterion, Grid

# derandomized: the same examples on every machine, so that CI never flakes on a lucky draw
PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True, database=None)

GROUPS = ["reseaux", "banques", "services", "financeurs", "elus"]


def two_places(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=low, max_value=high, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def criteria(draw, key: str) -> Criterion:
    low = draw(st.integers(min_value=-5, max_value=10))
    span = draw(st.integers(min_value=1, max_value=20))
    return Criterion(key=key, label=f"Critère {key}", weight=draw(two_places(Decimal("0.01"), Decimal(10))),
                     minimum=Decimal(low), maximum=Decimal(low + span), required=draw(st.booleans()))


@st.composite
def grids(draw, max_size: int = 6) -> Grid:
    size = draw(st.integers(min_value=1, max_value=max_size))
    return Grid(tuple(draw(criteria(f"c{index}")) for index in range(size)))


def answer(criterion: Criterion) -> st.SearchStrategy:
    """A score within the scale, or n/a where the criterion allows it."""
    score = two_places(criterion.minimum, criterion.maximum)
    return score if criterion.required else st.one_of(score, st.just(NA))


@st.composite
def answers(draw, grid: Grid) -> dict:
    """Every criterion answered, as in a submitted review."""
    return {criterion.key: draw(answer(criterion)) for criterion in grid.criteria}


@st.composite
def reviews(draw, grid: Grid, max_size: int = 6) -> list[Review]:
    size = draw(st.integers(min_value=0, max_value=max_size))
    return [Review(reviewer=reviewer, group=draw(st.sampled_from(GROUPS)), scores=draw(answers(grid)),
                   recommendation=draw(st.sampled_from([None, *RECOMMENDATIONS])))
            for reviewer in range(1, size + 1)]
