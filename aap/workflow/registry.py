"""Guards and effects are names a workflow file uses; each is one small registered function."""
from collections.abc import Callable
from dataclasses import dataclass, field

#: name → function(context) returning None when the transition may happen, else the reason in French
GUARDS: dict[str, Callable] = {}
#: name → what the guard asks for, in words for the workflow tables
GUARD_LABELS: dict[str, str] = {}
EFFECTS: dict[str, "EffectSpec"] = {}


@dataclass(frozen=True)
class EffectSpec:
    run: Callable
    check: Callable[[dict], list[str]] = field(default=lambda params: [])


def guard(name: str, label: str):
    def register(func):
        GUARDS[name], GUARD_LABELS[name] = func, label
        return func

    return register


def effect(name: str, check: Callable[[dict], list[str]] | None = None):
    def register(func):
        EFFECTS[name] = EffectSpec(run=func, check=check or (lambda params: []))
        return func

    return register
