"""The two solvers behind the reviewer assignment: a min-cost flow, then CP-SAT, on plain numbers.

The flow is exact on the first three levels of the objective (see assignment.py). Its maximum flow
gives the fewest missing reviews; its least cost the fewest missing groups (the first unit a dossier
gets from each group it still needs earns a bonus), then the least sum of squared loads. The loads
of the flows best on levels 1 and 2 form an M-convex set, where the least sum of squares is also the
least distance to every band (Frank and Murota's decreasingly minimal elements), hence level 3.
CP-SAT then keeps those three, starts from the flow's answer, and improves levels 4 and 5. One
worker, a fixed seed and a deterministic time limit give the same answer for the same input.
"""
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

SEED = 20061  # any fixed value: it makes runs reproducible

Id = int | str
Pair = tuple[Id, Id]  # (reviewer id, dossier id)


@dataclass(frozen=True)
class Slot:
    """A dossier as the solvers see it: the reviews it may still take, the groups it still needs."""

    id: Id
    room: int
    groups_wanted: int


@dataclass(frozen=True)
class Load:
    """A reviewer as the solvers see it: the reviews kept, and the largest load their cap and open dossiers allow."""

    id: Id
    kept: int
    most: int


@dataclass(frozen=True)
class Candidate:
    """A pair open to a new assignment; group is None when a kept assignment already brings it to the dossier."""

    reviewer_id: Id
    dossier_id: Id
    group: str | None
    preferred: bool


@dataclass(frozen=True)
class Instance:
    """Everything the solvers need, in input order."""

    slots: tuple[Slot, ...]
    loads: tuple[Load, ...]
    candidates: tuple[Candidate, ...]
    time_limit: float  # deterministic seconds
    wall_limit: float  # real seconds


def solve(instance: Instance) -> tuple[frozenset[Pair], bool]:
    """The new pairs, and whether they are proven optimal."""
    if not instance.candidates:
        return frozenset(), True
    start = _flow(instance)
    loads = _loads(instance, start)
    most = {load.id: load.most for load in instance.loads}
    _, distance = best_band(loads, most)
    # with every load in the band, it is one of a few: each gets its own, tighter, model
    bands = _bands(loads, most) if distance == 0 else [None]
    answers = [_polish(instance, start, bounds, instance.time_limit / len(bands)) for bounds in bands]
    found = [start] + [pairs for pairs, _ in answers if pairs is not None]
    return frozenset(min(found, key=lambda pairs: _rank(instance, pairs))), all(proven for _, proven in answers)


def _polish(instance: Instance, start: set[Pair], bounds: dict | None, time_limit: float) -> tuple[set | None, bool]:
    """CP-SAT's answer within these load bounds (or any band if None), if it found one, and whether it is proven."""
    model, x = _model(instance, start, bounds)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.max_time_in_seconds = instance.wall_limit
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {pair for pair, var in x.items() if solver.boolean_value(var)}, status == cp_model.OPTIMAL
    return None, status == cp_model.INFEASIBLE


def _loads(instance: Instance, pairs: set[Pair]) -> Counter:
    return Counter({load.id: load.kept for load in instance.loads}) + Counter(r for r, _ in pairs)


def _rank(instance: Instance, pairs: set[Pair]) -> tuple[int, int]:
    """Levels 4 and 5 of these pairs: more preferences, then a lighter heaviest load."""
    preferred = sum(1 for c in instance.candidates if c.preferred and (c.reviewer_id, c.dossier_id) in pairs)
    return -preferred, max(_loads(instance, pairs).values(), default=0)


def _flow(instance: Instance) -> set[Pair]:
    """A maximum flow at least cost: source → dossier → (dossier, group) → reviewer → sink."""
    total = sum(slot.room for slot in instance.slots)
    top = max(load.most for load in instance.loads)
    load_weight = total + 1  # outweighs the preferences
    plain_weight = load_weight * total * top + total + 1  # outweighs the loads and the preferences
    flow, nodes = min_cost_flow.SimpleMinCostFlow(), {}

    def arc(tail, head, capacity: int, cost: int = 0) -> int:
        tail, head = nodes.setdefault(tail, len(nodes)), nodes.setdefault(head, len(nodes))
        return flow.add_arc_with_capacity_and_unit_cost(tail, head, capacity, cost)

    slots = {slot.id: slot for slot in instance.slots}
    for slot in instance.slots:
        arc("source", ("dossier", slot.id), slot.room)
        if slot.groups_wanted:
            arc(("dossier", slot.id), ("bonus", slot.id), slot.groups_wanted)
    for dossier_id, group in dict.fromkeys((c.dossier_id, c.group) for c in instance.candidates):
        arc(("dossier", dossier_id), ("group", dossier_id, group), slots[dossier_id].room, plain_weight)
        if group is not None and slots[dossier_id].groups_wanted:
            arc(("bonus", dossier_id), ("group", dossier_id, group), 1)
    arcs = {
        (c.reviewer_id, c.dossier_id): arc(("group", c.dossier_id, c.group), ("reviewer", c.reviewer_id), 1,
                                           0 if c.preferred else 1)
        for c in instance.candidates
    }
    for load in instance.loads:
        for level in range(load.kept + 1, load.most + 1):
            arc(("reviewer", load.id), "sink", 1, load_weight * level)  # rising: a convex cost on loads
    flow.set_node_supply(nodes["source"], total)
    flow.set_node_supply(nodes.setdefault("sink", len(nodes)), -total)
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        raise RuntimeError("Le calcul de flot n'a pas abouti.")
    return {pair for pair, index in arcs.items() if flow.flow(index)}


def _shortages(instance: Instance, pairs: set[Pair]) -> tuple[int, int]:
    """The reviews and the groups missing for these new pairs."""
    groups, counts = defaultdict(set), defaultdict(int)
    for c in instance.candidates:
        if (c.reviewer_id, c.dossier_id) in pairs:
            counts[c.dossier_id] += 1
            if c.group is not None:
                groups[c.dossier_id].add(c.group)
    missing = sum(slot.room - counts[slot.id] for slot in instance.slots)
    missing_groups = sum(max(0, slot.groups_wanted - len(groups[slot.id])) for slot in instance.slots)
    return missing, missing_groups


def best_band(loads: Mapping[Id, int], most: Mapping[Id, int]) -> tuple[int, int]:
    """The band [L, L+1] nearest to these loads, and their distance to it (below L, a load counts up to its most)."""
    def distance(band: int) -> int:
        return sum(max(0, loads[r] - band - 1, min(band, top) - loads[r]) for r, top in most.items())

    return min(((distance(band), band) for band in range(max(most.values(), default=0) + 1)))[::-1]


def _model(instance: Instance, start: set[Pair], bounds: dict | None) -> tuple[cp_model.CpModel, dict]:
    """Keeps the flow's levels 1 to 3 and starts from its answer; more preferences outweigh a lighter heaviest load."""
    model = cp_model.CpModel()
    x = {(c.reviewer_id, c.dossier_id): model.new_bool_var(f"x_{i}") for i, c in enumerate(instance.candidates)}
    for pair, var in x.items():
        model.add_hint(var, pair in start)
    missing, missing_groups = _shortages(instance, start)
    model.add(sum(_add_reviews(model, instance, x, start)) <= missing)
    model.add(sum(_add_groups(model, instance, x, start)) <= missing_groups)
    totals, heaviest = _add_loads(model, instance, x, start)
    if bounds is None:
        _add_free_band(model, instance, totals, start)
    else:
        for reviewer_id, (low, high) in bounds.items():
            model.add_linear_constraint(totals[reviewer_id], low, high)
    preferred = [x[c.reviewer_id, c.dossier_id] for c in instance.candidates if c.preferred]
    preference_weight = max(load.most for load in instance.loads) + 1
    model.minimize(heaviest - preference_weight * sum(preferred))
    return model, x


def _hinted(model: cp_model.CpModel, var: cp_model.IntVar, value: int) -> cp_model.IntVar:
    model.add_hint(var, value)
    return var


def _add_reviews(model: cp_model.CpModel, instance: Instance, x: dict, start: set[Pair]) -> list:
    """Each dossier takes at most its room; what stays empty is a slack."""
    per_dossier = defaultdict(list)
    for (_, dossier_id), var in x.items():
        per_dossier[dossier_id].append(var)
    counts = Counter(dossier_id for _, dossier_id in start)
    missing = []
    for slot in instance.slots:
        slack = _hinted(model, model.new_int_var(0, slot.room, f"missing_{slot.id}"), slot.room - counts[slot.id])
        model.add(sum(per_dossier[slot.id]) + slack == slot.room)
        missing.append(slack)
    return missing


def _add_groups(model: cp_model.CpModel, instance: Instance, x: dict, start: set[Pair]) -> list:
    """A group counts on a dossier once one of its reviewers is on it; the groups still lacking are a slack."""
    wanted = {slot.id for slot in instance.slots if slot.groups_wanted}
    per_group = defaultdict(list)
    for c in instance.candidates:
        if c.group is not None and c.dossier_id in wanted:
            per_group[c.dossier_id, c.group].append((c.reviewer_id, c.dossier_id))
    present, hinted = defaultdict(list), Counter()
    for (dossier_id, group), pairs in per_group.items():
        value = any(pair in start for pair in pairs)
        covered = _hinted(model, model.new_bool_var(f"group_{dossier_id}_{group}"), value)
        model.add(covered <= sum(x[pair] for pair in pairs))
        present[dossier_id].append(covered)
        hinted[dossier_id] += value
    missing = []
    for slot in instance.slots:
        if slot.groups_wanted:
            slack = model.new_int_var(0, slot.groups_wanted, f"missing_groups_{slot.id}")
            _hinted(model, slack, max(0, slot.groups_wanted - hinted[slot.id]))
            model.add(sum(present[slot.id]) + slack >= slot.groups_wanted)
            missing.append(slack)
    return missing


def _add_loads(model: cp_model.CpModel, instance: Instance, x: dict, start: set[Pair]) -> tuple[dict, object]:
    """Each reviewer's load, within their cap, and the heaviest load."""
    own = defaultdict(list)
    for (reviewer_id, _), var in x.items():
        own[reviewer_id].append(var)
    loads = _loads(instance, start)
    heaviest = model.new_int_var(0, max(load.most for load in instance.loads), "heaviest")
    _hinted(model, heaviest, max(loads.values(), default=0))
    totals = {}
    for load in instance.loads:
        totals[load.id] = load.kept + sum(own[load.id])
        model.add(totals[load.id] <= load.most)  # the cap, as most never exceeds it unless kept assignments do
        model.add(totals[load.id] <= heaviest)
    return totals, heaviest


def _add_free_band(model: cp_model.CpModel, instance: Instance, totals: dict, start: set[Pair]) -> None:
    """The loads stay as close to some band [L, L+1] as the flow's (a load below L counts down to its most)."""
    most = {load.id: load.most for load in instance.loads}
    loads = _loads(instance, start)
    hint, distance = best_band(loads, most)
    band = _hinted(model, model.new_int_var(0, max(most.values()), "band"), hint)
    slacks = []
    for load in instance.loads:
        floor = band
        if load.most < max(most.values()):
            floor = _hinted(model, model.new_int_var(0, load.most, f"floor_{load.id}"), min(hint, load.most))
            model.add_min_equality(floor, [band, load.most])
        over = _hinted(model, model.new_int_var(0, load.most, f"over_{load.id}"), max(0, loads[load.id] - hint - 1))
        under = model.new_int_var(0, load.most, f"under_{load.id}")
        _hinted(model, under, max(0, min(hint, load.most) - loads[load.id]))
        model.add(totals[load.id] - over <= band + 1)
        model.add(totals[load.id] + under >= floor)
        slacks += [over, under]
    model.add(sum(slacks) <= distance)


def _bands(loads: Counter, most: dict[Id, int]) -> list[dict[Id, tuple[int, int]]]:
    """The bounds on each load of every band [L, L+1] that can hold them all, tightened by their fixed total."""
    total, found = sum(loads.values()), []
    for band in range(max(most.values()) + 1):
        low = {r: min(band, top) for r, top in most.items()}
        high = {r: min(band + 1, top) for r, top in most.items()}
        lows, highs = sum(low.values()), sum(high.values())
        if lows <= total <= highs:
            bounds = {r: (max(low[r], total - highs + high[r]), min(high[r], total - lows + low[r])) for r in most}
            if bounds not in found:
                found.append(bounds)
    return found
