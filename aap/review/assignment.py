"""Automatic assignment of reviewers to dossiers: plain data in, plain data out (no Flask, no database).

The objective is lexicographic, most important first:
1. the reviews missing against N per dossier;
2. the stakeholder groups missing against K per dossier;
3. the load imbalance: the total distance of the loads to the best band [L, L+1], where a load below
   L counts only down to the most that the reviewer's cap and the dossiers open to them allow;
4. the preferences met (assignments on a strand the reviewer knows), to maximise;
5. the heaviest load, so that loads as far from the band as each other do not go to extremes.
A min-cost flow settles levels 1 and 2 exactly; CP-SAT then improves levels 3 to 5 from its answer
(assignment_solver.py). A reviewer is never assigned a dossier they have a conflict with or declined,
nor one in a commune where they cannot be neutral: that commune is a hard exclusion, like a conflict.
Existing assignments are kept as they are (even beyond N or a cap, when set by hand), except those
that have since become excluded: they are dropped and reported. Same input, same output.
"""
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from aap.review.assignment_solver import Candidate, Id, Instance, Load, Pair, Slot, best_band, solve
from aap.review.texts import Text, _l

# a view passes {key: label.translated(gettext)} to name the groups in the reader's language
GROUP_LABELS: Mapping[str, str] = MappingProxyType({
    "networks": _l("Têtes de réseau"),
    "banks": _l("Banques et finance"),
    "departments": _l("Services de la collectivité"),
    "public_funders": _l("Autres financeurs publics"),
    "elected": _l("Élu·es"),
})


@dataclass(frozen=True)
class Dossier:
    """A dossier to review; strand and commune (INSEE code) are None when not known."""

    id: Id
    strand: str | None = None
    commune: str | None = None


@dataclass(frozen=True)
class Reviewer:
    """A pool member: stakeholder group, optional load cap, known strands, communes where they cannot be neutral."""

    id: Id
    group: str
    cap: int | None = None
    strands: frozenset[str] = frozenset()
    non_neutral_communes: frozenset[str] = frozenset()

    def __post_init__(self):
        if self.cap is not None and self.cap < 0:
            raise ValueError(f"Le plafond du relecteur {self.id} est négatif.")
        object.__setattr__(self, "strands", frozenset(self.strands))
        object.__setattr__(self, "non_neutral_communes", frozenset(self.non_neutral_communes))


@dataclass(frozen=True)
class AssignmentRequest:
    """One run: the dossiers, the pool, N reviews from K groups per dossier, and (reviewer, dossier) pair sets."""

    dossiers: tuple[Dossier, ...]
    reviewers: tuple[Reviewer, ...]
    reviews_per_dossier: int = 3
    groups_per_dossier: int = 2
    conflicts: frozenset[Pair] = frozenset()
    existing: frozenset[Pair] = frozenset()
    declined: frozenset[Pair] = frozenset()
    group_labels: Mapping[str, str] = field(default_factory=lambda: GROUP_LABELS, compare=False)
    time_limit: float = 10.0  # CP-SAT's deterministic time: the same answer however busy the machine
    wall_limit: float = 120.0  # a safety net in real seconds; an answer cut by it may vary between runs

    def __post_init__(self):
        for name in ("dossiers", "reviewers"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("conflicts", "existing", "declined"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        if len({d.id for d in self.dossiers}) < len(self.dossiers):
            raise ValueError("Deux dossiers ont le même identifiant.")
        if len({r.id for r in self.reviewers}) < len(self.reviewers):
            raise ValueError("Deux relecteurs ont le même identifiant.")
        if not 0 <= self.groups_per_dossier <= self.reviews_per_dossier:
            raise ValueError("Le nombre de groupes par dossier doit être entre 0 et le nombre de relectures.")
        for reviewer in self.reviewers:
            if reviewer.group not in self.group_labels:
                raise ValueError(f"Le relecteur {reviewer.id} est dans un groupe inconnu : {reviewer.group}.")


@dataclass(frozen=True)
class Dropped:
    """An existing assignment that could not be kept, and why (a French `Text`)."""

    reviewer_id: Id
    dossier_id: Id
    reason: Text


@dataclass(frozen=True)
class Shortfall:
    """A dossier that falls short of N reviews or K groups, with the reasons (French `Text`s)."""

    dossier_id: Id
    missing_reviews: int
    missing_groups: int
    reasons: tuple[Text, ...]


@dataclass(frozen=True)
class Score:
    """The objective of an assignment; a smaller `key` is better."""

    missing_reviews: int
    missing_groups: int
    imbalance: int
    preferences_met: int
    heaviest: int

    @property
    def key(self) -> tuple[int, int, int, int, int]:
        return (self.missing_reviews, self.missing_groups, self.imbalance, -self.preferences_met, self.heaviest)


@dataclass(frozen=True)
class AssignmentResult:
    """The assignment: pairs kept from before and pairs added, what was dropped, what falls short, its score."""

    kept: frozenset[Pair]
    added: frozenset[Pair]
    dropped: tuple[Dropped, ...]
    shortfalls: tuple[Shortfall, ...]
    score: Score
    optimal: bool  # proven best on every level (levels 1 and 2, the shortfalls, always are)
    balance_note: Text | None  # when the loads could not be kept within one review of each other

    @property
    def assignments(self) -> frozenset[Pair]:
        return self.kept | self.added


@dataclass
class _Problem:
    """The request indexed: kept pairs, pairs open to a new assignment, each reviewer's largest load."""

    request: AssignmentRequest
    dossiers: dict[Id, Dossier]
    reviewers: dict[Id, Reviewer]
    kept: list[Pair]
    dropped: list[Dropped]
    candidates: list[Pair]  # pairs open to a new assignment, in input order
    eligible: dict[Id, list[Reviewer]]  # per dossier: every reviewer who may review it, kept ones included
    most: dict[Id, int]  # per reviewer: the largest load their cap and the dossiers open to them allow

    @property
    def n(self) -> int:
        return self.request.reviews_per_dossier


def assign(request: AssignmentRequest) -> AssignmentResult:
    """Completes the existing assignments as well as the constraints allow."""
    problem = _index(request)
    added, optimal = solve(_instance(problem))
    pairs = set(problem.kept) | added
    loads = Counter(reviewer_id for reviewer_id, _ in pairs)
    return AssignmentResult(
        kept=frozenset(problem.kept), added=added, dropped=tuple(problem.dropped),
        shortfalls=tuple(_shortfalls(problem, pairs, loads)), score=_score(problem, pairs),
        optimal=optimal, balance_note=_balance_note(problem, loads),
    )


def exclusion(request: AssignmentRequest, reviewer: Reviewer, dossier: Dossier) -> Text | None:
    """Why this reviewer may not review this dossier, or None."""
    pair = (reviewer.id, dossier.id)
    if pair in request.conflicts:
        return _l("conflit d'intérêts déclaré")
    if dossier.commune is not None and dossier.commune in reviewer.non_neutral_communes:
        return _l("ne peut pas être neutre sur la commune %(commune)s", commune=dossier.commune)
    if pair in request.declined:
        return _l("relecture déclinée")
    return None


def _index(request: AssignmentRequest) -> _Problem:
    dossiers = {d.id: d for d in request.dossiers}
    reviewers = {r.id: r for r in request.reviewers}
    kept, dropped = _sort_existing(request, dossiers, reviewers)
    kept_set, kept_per_dossier = set(kept), Counter(dossier_id for _, dossier_id in kept)
    candidates, eligible = [], defaultdict(list)
    for dossier in request.dossiers:
        for reviewer in request.reviewers:
            pair = (reviewer.id, dossier.id)
            if pair in kept_set:
                eligible[dossier.id].append(reviewer)
            elif exclusion(request, reviewer, dossier) is None:
                eligible[dossier.id].append(reviewer)
                if kept_per_dossier[dossier.id] < request.reviews_per_dossier:
                    candidates.append(pair)
    most = _most_loads(request, kept, candidates)
    return _Problem(request, dossiers, reviewers, kept, dropped, candidates, eligible, most)


def _sort_existing(request: AssignmentRequest, dossiers: dict, reviewers: dict) -> tuple[list[Pair], list[Dropped]]:
    """Splits the existing pairs into those kept and those dropped, each with its reason."""
    kept, dropped = [], []
    for reviewer_id, dossier_id in sorted(request.existing, key=lambda pair: (str(pair[0]), str(pair[1]))):
        if reviewer_id not in reviewers:
            reason = _l("ne fait plus partie des relecteurs")
        elif dossier_id not in dossiers:
            reason = _l("le dossier n'est plus à relire")
        else:
            reason = exclusion(request, reviewers[reviewer_id], dossiers[dossier_id])
        if reason is None:
            kept.append((reviewer_id, dossier_id))
        else:
            dropped.append(Dropped(reviewer_id, dossier_id, reason))
    return kept, dropped


def _most_loads(request: AssignmentRequest, kept: list[Pair], candidates: list[Pair]) -> dict[Id, int]:
    kept_loads = Counter(reviewer_id for reviewer_id, _ in kept)
    open_loads = Counter(reviewer_id for reviewer_id, _ in candidates)
    most = {}
    for reviewer in request.reviewers:
        reachable = kept_loads[reviewer.id] + open_loads[reviewer.id]
        capped = reachable if reviewer.cap is None else min(reviewer.cap, reachable)
        most[reviewer.id] = max(kept_loads[reviewer.id], capped)
    return most


def _preferred(reviewer: Reviewer, dossier: Dossier) -> bool:
    return dossier.strand is not None and dossier.strand in reviewer.strands


def _instance(problem: _Problem) -> Instance:
    """The problem in the solvers' terms: a group already on a dossier through a kept pair brings nothing."""
    k = problem.request.groups_per_dossier
    kept_count, kept_groups = Counter(), defaultdict(set)
    for reviewer_id, dossier_id in problem.kept:
        kept_count[dossier_id] += 1
        kept_groups[dossier_id].add(problem.reviewers[reviewer_id].group)
    slots = tuple(
        Slot(d, problem.n - kept_count[d], max(0, k - len(kept_groups[d])))
        for d in problem.dossiers if kept_count[d] < problem.n
    )
    kept_loads = Counter(reviewer_id for reviewer_id, _ in problem.kept)
    loads = tuple(Load(r, kept_loads[r], problem.most[r]) for r in problem.reviewers)
    candidates = []
    for reviewer_id, dossier_id in problem.candidates:
        reviewer, dossier = problem.reviewers[reviewer_id], problem.dossiers[dossier_id]
        group = None if reviewer.group in kept_groups[dossier_id] else reviewer.group
        candidates.append(Candidate(reviewer_id, dossier_id, group, _preferred(reviewer, dossier)))
    return Instance(slots, loads, tuple(candidates), problem.request.time_limit, problem.request.wall_limit)


def score(request: AssignmentRequest, pairs) -> Score:
    """The objective of any set of pairs of this request, as the solver counts it."""
    return _score(_index(request), set(pairs))


def _score(problem: _Problem, pairs: set[Pair]) -> Score:
    counts, groups = Counter(), defaultdict(set)
    for reviewer_id, dossier_id in pairs:
        counts[dossier_id] += 1
        groups[dossier_id].add(problem.reviewers[reviewer_id].group)
    k, loads = problem.request.groups_per_dossier, Counter(reviewer_id for reviewer_id, _ in pairs)
    return Score(
        missing_reviews=sum(max(0, problem.n - counts[d]) for d in problem.dossiers),
        missing_groups=sum(max(0, k - len(groups[d])) for d in problem.dossiers),
        imbalance=_imbalance(problem, loads),
        preferences_met=sum(_preferred(problem.reviewers[r], problem.dossiers[d]) for r, d in pairs),
        heaviest=max(loads.values(), default=0),
    )


def _imbalance(problem: _Problem, loads: Counter) -> int:
    return best_band(loads, problem.most)[1]


def _labels(problem: _Problem, groups) -> str:
    """The groups' labels, in the order of the labels: the call's order."""
    return ", ".join(label for group, label in problem.request.group_labels.items() if group in groups)


def _at_cap(reviewer: Reviewer, loads: Counter) -> bool:
    return reviewer.cap is not None and loads[reviewer.id] >= reviewer.cap


def _shortfalls(problem: _Problem, pairs: set[Pair], loads: Counter):
    on = defaultdict(list)
    for reviewer_id, dossier_id in pairs:
        on[dossier_id].append(problem.reviewers[reviewer_id])
    for dossier_id in problem.dossiers:
        missing = max(0, problem.n - len(on[dossier_id]))
        covered = {r.group for r in on[dossier_id]}
        missing_groups = max(0, problem.request.groups_per_dossier - len(covered))
        reasons = []
        if missing:
            reasons.append(_missing_reason(problem, dossier_id, on[dossier_id], missing, loads))
        if missing_groups:
            reasons.append(_groups_reason(problem, dossier_id, on[dossier_id], missing_groups, loads))
        if reasons:
            yield Shortfall(dossier_id, missing, missing_groups, tuple(reasons))


def _missing_reason(problem: _Problem, dossier_id: Id, on: list[Reviewer], missing: int, loads: Counter) -> Text:
    eligible, wanted = problem.eligible[dossier_id], problem.n
    groups = {r.group for r in eligible}
    if not eligible:
        if wanted == 1:
            return _l("aucun relecteur sans conflit, 1 demandé")
        return _l("aucun relecteur sans conflit, %(wanted)s demandés", wanted=wanted)
    if len(eligible) < wanted:  # then wanted is 2 or more
        values = {"count": len(eligible), "wanted": wanted, "groups": _labels(problem, groups)}
        if len(groups) > 1:
            return _l("%(count)s relecteurs sans conflit (%(groups)s), %(wanted)s demandés", **values)
        if len(eligible) == 1:
            return _l("1 relecteur sans conflit dans le groupe %(groups)s, %(wanted)s demandés", **values)
        return _l("%(count)s relecteurs sans conflit dans le groupe %(groups)s, %(wanted)s demandés", **values)
    if all(_at_cap(r, loads) for r in eligible if r not in on):
        if missing == 1:
            return _l("il manque 1 relecture : tous les relecteurs disponibles sont au maximum de leur charge")
        return _l("il manque %(count)s relectures : tous les relecteurs disponibles sont au maximum de leur charge",
                  count=missing)
    if missing == 1:
        return _l("il manque 1 relecture : aucune autre répartition ne fait mieux")
    return _l("il manque %(count)s relectures : aucune autre répartition ne fait mieux", count=missing)


def _groups_reason(problem: _Problem, dossier_id: Id, on: list[Reviewer], missing: int, loads: Counter) -> Text:
    wanted, eligible = problem.request.groups_per_dossier, problem.eligible[dossier_id]
    groups = {r.group for r in eligible}
    if not groups:
        if wanted == 1:
            return _l("aucun relecteur sans conflit, 1 groupe demandé")
        return _l("aucun relecteur sans conflit, %(wanted)s groupes demandés", wanted=wanted)
    values = {"count": missing, "wanted": wanted, "groups": _labels(problem, groups)}
    if len(groups) < wanted:  # then wanted is 2 or more
        if len(groups) == 1:
            return _l("relecteurs sans conflit dans 1 groupe seulement (%(groups)s), %(wanted)s demandés", **values)
        return _l("relecteurs sans conflit dans %(found)s groupes seulement (%(groups)s), %(wanted)s demandés",
                  found=len(groups), **values)
    covered = Counter(r.group for r in on)
    others = [r for r in eligible if r.group not in covered]
    if all(_at_cap(r, loads) for r in others):
        values["groups"] = _labels(problem, {r.group for r in others})
        if missing == 1:
            return _l("il manque 1 groupe : les relecteurs sans conflit de %(groups)s sont au maximum de leur "
                      "charge", **values)
        return _l("il manque %(count)s groupes : les relecteurs sans conflit de %(groups)s sont au maximum de "
                  "leur charge", **values)
    kept = set(problem.kept)
    if len(on) >= problem.n and all((r.id, dossier_id) in kept for r in on if covered[r.group] > 1):
        values["places"] = problem.n  # covered < K <= N with a group twice: N is 2 or more
        if missing == 1:
            return _l("il manque 1 groupe : les affectations existantes occupent déjà les %(places)s places",
                      **values)
        return _l("il manque %(count)s groupes : les affectations existantes occupent déjà les %(places)s "
                  "places", **values)
    if missing == 1:
        return _l("il manque 1 groupe : aucune autre répartition ne fait mieux")
    return _l("il manque %(count)s groupes : aucune autre répartition ne fait mieux", count=missing)


def _balance_note(problem: _Problem, loads: Counter) -> Text | None:
    if _imbalance(problem, loads) == 0:
        return None
    values = [loads[r] for r in problem.reviewers]
    return _l("charges de %(lightest)s à %(heaviest)s relectures : les tenir à une relecture près aurait laissé "
              "des relectures ou des groupes manquants, ou retiré des affectations existantes",
              lightest=min(values), heaviest=max(values))
