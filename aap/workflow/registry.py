"""Guards and effects are names a workflow file uses; each is one small function, described where it is written.

`@guard` and `@effect` only describe a function; a domain lists its functions in its declaration and the
factory registers them here, so that what a workflow file may name is known in one place.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

#: name → function(context) returning None when the transition may happen, else the reason in French
GUARDS: dict[str, Callable] = {}
#: name → what the guard asks for, in words for the workflow tables
GUARD_LABELS: dict[str, str] = {}
EFFECTS: dict[str, "EffectSpec"] = {}
#: name → what happens, in words: the events a transition's `when:` may name, fired by a domain's operation
EVENTS: dict[str, str] = {}


@dataclass(frozen=True)
class EffectSpec:
    run: Callable
    check: Callable[[dict], list[str]] = field(default=lambda params: [])


def guard(name: str, label: str):
    def describe(func):
        func.guard_name, func.guard_label = name, label
        return func

    return describe


def effect(name: str, check: Callable[[dict], list[str]] | None = None):
    def describe(func):
        func.effect_name, func.effect_check = name, check or (lambda params: [])
        return func

    return describe


def register(guards=(), effects=(), events=()) -> None:
    for name, label in events:
        EVENTS[name] = label
    for func in guards:
        GUARDS[func.guard_name], GUARD_LABELS[func.guard_name] = func, func.guard_label
    for func in effects:
        EFFECTS[func.effect_name] = EffectSpec(run=func, check=func.effect_check)
