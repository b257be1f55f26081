"""A workflow once loaded and validated: plain frozen data the engine reads."""
import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

REQUIREMENTS = ("comment", "amount", "file")
SYSTEM = "system"


@dataclass(frozen=True)
class Timeout:
    after: timedelta
    transition: str


@dataclass(frozen=True)
class State:
    name: str
    label: str
    final: bool = False
    editable_by: tuple[str, ...] = ()
    timeout: Timeout | None = None
    #: the holder reads the reviewers' comments meant for them, without their names
    holder_sees_reviews: bool = False


@dataclass(frozen=True)
class Effect:
    name: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    guards: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = ()
    requires: tuple[str, ...] = ()
    #: hidden from the holder on their timeline (internal steps of the instruction)
    internal: bool = False
    #: the domain event that applies it (a decision released, an agreement signed…): never offered as a button
    when: str | None = None


@dataclass(frozen=True)
class Workflow:
    name: str
    version: int
    label: str
    initial: str
    roles: tuple[str, ...]
    states: dict
    transitions: dict
    source: str = ""

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    def state_label(self, name: str | None) -> str:
        state = self.states.get(name or "")
        return state.label if state else (name or "—")

    def ordered_states(self) -> list[State]:
        """States in the order a reader follows them: breadth first from the initial state."""
        order, queue = [], [self.initial]
        while queue:
            name = queue.pop(0)
            if name in order:
                continue
            order.append(name)
            queue.extend(t.target for t in self.transitions_from(name))
        order += [name for name in self.states if name not in order]
        return [self.states[name] for name in order]
