"""Time of the automatic reviewer assignment on a large call (default: 1,000 dossiers, 60 reviewers, N=3, K=2).

    .venv/bin/python bench/assignment.py [--dossiers 1000] [--reviewers 60] [--time-limit 10] [--runs 1]

The call is built from a fixed seed, as Plaine Commune's would look: three strands, its eight
communes, five stakeholder groups of uneven size, bankers capped at 60 dossiers, elected members who
cannot be neutral on their own commune, and about 2 % of the pairs in conflict. Each run times a
first assignment, then a re-run that keeps it (which must add nothing). It exits 1 if a dossier
falls short or the re-run changes anything.
"""
import argparse
import platform
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ortools  # noqa: E402

from aap.review.assignment import AssignmentRequest, Dossier, Reviewer, assign  # noqa: E402

STRANDS = ["création", "développement", "coopération"]
COMMUNES = ["93001", "93027", "93031", "93039", "93066", "93070", "93072", "93079"]
GROUP_SHARES = {"networks": 15, "banks": 10, "departments": 15, "public_funders": 12, "elected": 8}


def build(dossiers: int, reviewers: int, time_limit: float) -> AssignmentRequest:
    rng = random.Random(2021)
    groups = [group for group, share in GROUP_SHARES.items() for _ in range(share)]
    files = tuple(Dossier(d, strand=rng.choice(STRANDS), commune=rng.choice(COMMUNES)) for d in range(dossiers))
    pool = []
    for r in range(reviewers):
        group = groups[r * len(groups) // reviewers]
        pool.append(Reviewer(
            r, group, cap=60 if group == "banks" else None, strands=set(rng.sample(STRANDS, rng.randint(0, 2))),
            non_neutral_communes={rng.choice(COMMUNES)} if group == "elected" else set(),
        ))
    conflicts = {(rng.randrange(reviewers), rng.randrange(dossiers)) for _ in range(dossiers * reviewers // 50)}
    return AssignmentRequest(files, tuple(pool), 3, 2, conflicts=conflicts, time_limit=time_limit)


def timed(request: AssignmentRequest):
    start = time.perf_counter()
    result = assign(request)
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--reviewers", type=int, default=60)
    parser.add_argument("--time-limit", type=float, default=10.0, help="CP-SAT's deterministic time limit")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    request = build(args.dossiers, args.reviewers, args.time_limit)
    print(f"{args.dossiers} dossiers, {args.reviewers} reviewers, {len(request.conflicts)} conflicts, N=3, K=2; "
          f"Python {platform.python_version()}, OR-Tools {ortools.__version__}")
    failed = False
    for _ in range(args.runs):
        first, seconds = timed(request)
        again, again_seconds = timed(replace(request, existing=first.assignments))
        loads = Counter(reviewer_id for reviewer_id, _ in first.assignments)
        print(f"first run {seconds:.1f} s ({len(first.added)} assignments, optimal: {first.optimal}, "
              f"loads {min(loads.values())}–{max(loads.values())}, {first.score}); "
              f"re-run {again_seconds:.1f} s ({len(again.added)} added)")
        failed |= bool(first.shortfalls) or bool(again.added) or again.kept != first.assignments
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
