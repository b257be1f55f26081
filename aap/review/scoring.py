"""Scoring grids and the arithmetic of one review: criteria, checking scores, the weighted score.

Plain data in, plain data out: no database, no Flask. Numbers are Decimal, never float. Sums and
means are computed exactly (as fractions) and become a Decimal once, in `CONTEXT`, so that the order
of criteria or reviews never changes a result. Messages are French `Text`s that a view may show in
the reader's language (`aap.review.texts`).

- Display scale: a review's weighted score runs from 0 to 100, whatever the scales of its criteria
  (0–5, 0–20…). Values keep their full precision and are rounded half-even to two decimals only
  where people see them or an export writes them (`rounded`, `shown`).
- "n/a" follows one rule everywhere: an "n/a" answer is left out of the weighted score and out of
  every average, and is shown as "n/a". It is allowed only on a criterion that is not required;
  once a review is submitted, such a criterion left empty counts as "n/a". A review whose criteria
  are all "n/a" has no weighted score (None), never 0.
"""
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from types import MappingProxyType
from typing import Final, Literal

from aap.review.texts import Text, _l

#: the answer "not applicable"; stored and shown as it is written
NA: Final = "n/a"
Answer = Decimal | Literal["n/a"]

#: weighted scores run from 0 to TOP
TOP: Final = Decimal(100)
#: two decimals, where people see a value
PLACES: Final = Decimal("0.01")
#: the precision of every result; half-even so that rounding leans neither up nor down
CONTEXT: Final = Context(prec=28, rounding=ROUND_HALF_EVEN)

#: a criterion's key names its form field and its place in stored scores
KEY_PATTERN: Final = re.compile(r"[a-z0-9_]{1,40}")
#: longest piece of typed text quoted back in a message
ECHO_LENGTH: Final = 20


def as_decimal(value: Decimal | int | str) -> Decimal:
    """An exact Decimal from a Decimal, an int or a numeral; a float is refused, it is never exact."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"a Decimal, an int or a numeral is expected, not {type(value).__name__}")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def from_fraction(value: Fraction) -> Decimal:
    """The one rounding of an exact result, in `CONTEXT`."""
    with localcontext(CONTEXT):
        return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass(frozen=True)
class Criterion:
    """One line of a grid: scored from `minimum` to `maximum`, counted `weight` times."""

    key: str
    label: str
    weight: Decimal = Decimal(1)
    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal(5)
    required: bool = True

    def __post_init__(self) -> None:
        for name in ("weight", "minimum", "maximum"):
            object.__setattr__(self, name, as_decimal(getattr(self, name)))


@dataclass(frozen=True)
class Grid:
    """A call's scoring grid: its criteria, in the order reviewers see them."""

    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(criterion.key for criterion in self.criteria)


def grid_problems(grid: Grid) -> list[Text]:
    """What keeps a grid from scoring reviews, in French; empty when it can."""
    if not grid.criteria:
        return [_l("La grille ne contient aucun critère : ajoutez-en au moins un.")]
    counts = Counter(grid.keys)
    problems = [_l("La clé « %(key)s » est donnée à %(count)s critères : chaque critère a sa propre clé.",
                   key=echo(key), count=count) for key, count in counts.items() if count > 1]
    for criterion in grid.criteria:
        problems.extend(criterion_problems(criterion))
    return problems


def criterion_problems(criterion: Criterion) -> list[Text]:
    """What is wrong with one criterion, in French, naming it."""
    name, key = criterion.label.strip() or criterion.key, echo(criterion.key)
    problems = []
    if not criterion.label.strip():
        problems.append(_l("Le critère de clé « %(key)s » n'a pas d'intitulé.", key=key))
    if not KEY_PATTERN.fullmatch(criterion.key):
        problems.append(_l("La clé du critère « %(name)s » (« %(key)s ») ne peut contenir que des lettres "
                           "minuscules sans accent, des chiffres et « _ », 40 caractères au plus.", name=name, key=key))
    if not criterion.weight.is_finite() or criterion.weight <= 0:
        problems.append(_l("Le poids du critère « %(name)s » doit être un nombre strictement positif "
                           "(reçu : %(weight)s).", name=name, weight=plain(criterion.weight)))
    if not (criterion.minimum.is_finite() and criterion.maximum.is_finite()):
        problems.append(_l("Les bornes de l'échelle du critère « %(name)s » doivent être des nombres.", name=name))
    elif criterion.maximum <= criterion.minimum:
        problems.append(_l("L'échelle du critère « %(name)s » va de %(minimum)s à %(maximum)s : le maximum doit "
                           "être supérieur au minimum.", name=name, minimum=plain(criterion.minimum),
                           maximum=plain(criterion.maximum)))
    return problems


@dataclass(frozen=True)
class ScoreCheck:
    """Scores read from a form: the answers kept, and one French message per criterion refused."""

    scores: Mapping[str, Answer]
    errors: Mapping[str, Text]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_scores(grid: Grid, raw: Mapping[str, object], *, submitting: bool) -> ScoreCheck:
    """Read a review's scores; a draft may leave criteria empty, a review being submitted may not.

    Errors are keyed by criterion key, so that each message sits next to its field. Only the grid's
    criteria are read from `raw`: a whole submitted form may be passed.
    """
    scores: dict[str, Answer] = {}
    errors: dict[str, Text] = {}
    for criterion in grid.criteria:
        answer, error = read_answer(criterion, raw.get(criterion.key), submitting=submitting)
        if error is not None:
            errors[criterion.key] = error
        elif answer is not None:
            scores[criterion.key] = answer
    return ScoreCheck(MappingProxyType(scores), MappingProxyType(errors))


def read_answer(criterion: Criterion, value: object, *, submitting: bool) -> tuple[Answer | None, Text | None]:
    """One answer read: (answer, None), (None, message), or (None, None) for a draft's blank."""
    about = {"name": criterion.label, "minimum": plain(criterion.minimum), "maximum": plain(criterion.maximum)}
    if value is None or (isinstance(value, str) and not value.strip()):
        if not submitting:
            return None, None
        if criterion.required:
            return None, _l("« %(name)s » : ce critère est obligatoire, donnez une note de %(minimum)s à %(maximum)s.",
                            **about)
        return NA, None
    if isinstance(value, str) and value.strip().lower() == NA:
        if criterion.required:
            return None, _l("« %(name)s » : ce critère est obligatoire, il ne peut pas être noté n/a ; donnez une "
                            "note de %(minimum)s à %(maximum)s.", **about)
        return NA, None
    number = read_number(value)
    if number is None:
        return None, (_l("« %(name)s » : « %(typed)s » n'est pas une note ; saisissez un nombre de %(minimum)s à "
                         "%(maximum)s.", typed=echo(value), **about) if criterion.required else
                      _l("« %(name)s » : « %(typed)s » n'est pas une note ; saisissez un nombre de %(minimum)s à "
                         "%(maximum)s, ou n/a.", typed=echo(value), **about))
    if not criterion.minimum <= number <= criterion.maximum:
        return None, _l("« %(name)s » : la note doit être comprise entre %(minimum)s et %(maximum)s "
                        "(reçu : %(typed)s).", typed=echo(value), **about)
    if number != number.quantize(PLACES, context=CONTEXT):
        return None, _l("« %(name)s » : une note a deux décimales au plus (reçu : %(typed)s).", typed=echo(value),
                        **about)
    return number, None


def read_number(value: object) -> Decimal | None:
    """A finite number from an int, a Decimal or a typed numeral (comma or point); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str) and "_" not in value:
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def weighted_score(grid: Grid, scores: Mapping[str, Answer | None]) -> Decimal | None:
    """sum(weight × score brought to 0–100) / sum(weight) over the answered criteria; None if none is."""
    unknown = set(scores) - set(grid.keys)
    if unknown:
        raise ValueError(f"scores for criteria outside the grid: {sorted(unknown)}")
    total = weights = Fraction(0)
    for criterion in grid.criteria:
        value = scores.get(criterion.key)
        if value is None or value == NA:
            continue
        weight = Fraction(criterion.weight)
        total += weight * normalised(criterion, as_decimal(value))
        weights += weight
    return from_fraction(total / weights) if weights else None


def normalised(criterion: Criterion, value: Decimal) -> Fraction:
    """A score brought from the criterion's scale to 0–100, exactly."""
    span = Fraction(criterion.maximum) - Fraction(criterion.minimum)
    return (Fraction(value) - Fraction(criterion.minimum)) * Fraction(TOP) / span


def rounded(value: Decimal | None) -> Decimal | None:
    """The value people see or an export writes: two decimals, half-even; None stays None."""
    if value is None:
        return None
    # arguments by position: by keyword, quantize takes twice as long, and rankings round thousands of values
    result = value.quantize(PLACES, ROUND_HALF_EVEN, CONTEXT)
    return result if result else Decimal("0.00")


def shown(value: Answer | None) -> str:
    """A computed value as French text with two decimals ("72,50"), or "n/a" when there is none."""
    if value is None or value == NA:
        return NA
    return format(rounded(value), "f").replace(".", ",")


def plain(value: Decimal) -> str:
    """A number as French text without trailing zeros, for scales and answers: 5, 2,5, 20."""
    if not value.is_finite():
        return str(value)
    if not value:
        return "0"
    return format(value.normalize(CONTEXT), "f").replace(".", ",")


def echo(value: object) -> str:
    """Typed text quoted back in a message, cut short."""
    text = str(value).strip()
    return text if len(text) <= ECHO_LENGTH else text[:ECHO_LENGTH] + "…"
