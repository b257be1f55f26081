"""The periodic tick: once a minute, the sweeps the domains registered catch up whatever a lost job missed."""
from collections.abc import Callable
from datetime import datetime

from aap.core.jobs import job
from aap.core.queue import get_queue, schedule_tick
from aap.extensions import db

#: name → function(now) returning how many things it did; run in the order the domains registered them
SWEEPS: dict[str, Callable[[datetime | None], int]] = {}


def register_sweep(name: str, sweep: Callable[[datetime | None], int]) -> None:
    SWEEPS[name] = sweep


def run_sweeps(now: datetime | None = None) -> dict[str, int]:
    """Each sweep's work is committed before the next one starts, so one failure loses nothing of the others'."""
    done = {}
    for name, sweep in SWEEPS.items():
        done[name] = sweep(now)
        db.session.commit()
    return done


@job
def periodic_tick() -> dict[str, int]:
    """Sweeps that keep the system honest even if a scheduled job was lost; reschedules itself."""
    schedule_tick(get_queue())  # first: a sweep that fails must not end the chain of ticks
    return run_sweeps()

