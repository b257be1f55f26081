"""workflows/*.yaml → validated Workflow definitions, or errors naming the file and the line."""
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from aap.core.roles import WORKFLOW_ROLES
from aap.workflow import located
from aap.workflow.definitions import REQUIREMENTS, Effect, State, Timeout, Transition, Workflow
from aap.workflow.registry import EFFECTS, EVENTS, GUARDS

TOP_KEYS = {"name", "version", "label", "initial", "roles", "states", "transitions"}
STATE_KEYS = {"label", "final", "editable_by", "timeout", "holder_sees_reviews"}
TIMEOUT_KEYS = {"after", "transition"}
TRANSITION_KEYS = {"name", "label", "from", "to", "roles", "guards", "effects", "requires", "internal", "when"}
DURATION = re.compile(r"^(\d+)\s*([dhm])$")
#: a workflow's name is its file's name: it fits the database column and any file system
NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
#: versions are stored in an integer column
MAX_VERSION = 2**31 - 1
UNITS = {"d": "days", "h": "hours", "m": "minutes"}


@dataclass(frozen=True)
class WorkflowError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class InvalidWorkflow(Exception):
    def __init__(self, errors: list[WorkflowError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class _Checker:
    def __init__(self, path: str):
        self.path = path
        self.errors: list[WorkflowError] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(WorkflowError(self.path, line, message))

    def keys(self, mapping, allowed: set, where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.error(located.line_of(mapping, key), f"clé inconnue « {key} » dans {where} "
                                                          f"(attendu : {', '.join(sorted(allowed))})")

    def names(self, container, key, known, unknown: str) -> tuple[str, ...]:
        values = container.get(key, [])
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list):
            self.error(located.line_of(container, key), f"« {key} » doit être une liste")
            return ()
        for index, value in enumerate(values):
            if value not in known:
                line = located.line_of(values, index) or located.line_of(container, key)
                self.error(line, f"{unknown} « {value} »")
        return tuple(values)


def parse_duration(text) -> timedelta | None:
    match = DURATION.match(str(text).strip())
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))}) if match else None


def load_file(path: Path) -> Workflow:
    """The file as it is now: parsed again only when its text changed (the pages list them on every request)."""
    return _load_known_text(path.read_text(encoding="utf-8"), str(path), path.stem)


@lru_cache(maxsize=64)
def _load_known_text(text: str, path: str, expected_name: str) -> Workflow:
    return load_text(text, path, expected_name=expected_name)  # a refused file raises, and is not kept


def load_text(text: str, path: str = "<workflow>", expected_name: str | None = None) -> Workflow:
    check = _Checker(path)
    try:
        data = located.load(text)
    except located.LoadError as error:
        raise InvalidWorkflow([WorkflowError(path, error.line, error.message)]) from None
    if not isinstance(data, dict):
        raise InvalidWorkflow([WorkflowError(path, 1, "le fichier doit décrire un workflow (un dictionnaire)")])
    workflow = _build(data, check, text, expected_name)
    if not check.errors:
        _check_graph(workflow, data, check)
    if check.errors:
        raise InvalidWorkflow(check.errors)
    return workflow


def _build(data, check: _Checker, text: str, expected_name: str | None) -> Workflow:
    check.keys(data, TOP_KEYS, "le workflow")
    for key in ("name", "version", "label", "initial", "states", "transitions"):
        if key not in data:
            check.error(data.line, f"clé obligatoire manquante : « {key} »")
    name = data.get("name")
    if name is not None and not (isinstance(name, str) and NAME.fullmatch(name)):
        check.error(located.line_of(data, "name"), "« name » s'écrit avec des lettres sans accent, des chiffres, "
                                                   "« - » et « _ », 80 caractères au plus")
    elif expected_name and name is not None and name != expected_name:
        check.error(located.line_of(data, "name"), f"« name » doit reprendre le nom du fichier : {expected_name}")
    version = data.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)
                                or not 1 <= version <= MAX_VERSION):
        check.error(located.line_of(data, "version"), "« version » doit être un entier positif")
    roles = check.names(data, "roles", WORKFLOW_ROLES, "rôle inconnu")
    states = _states(data.get("states") or {}, roles, check)
    transitions = _transitions(data.get("transitions") or [], states, roles, check)
    initial = data.get("initial")
    if initial is not None and initial not in states:
        check.error(located.line_of(data, "initial"), f"état initial inconnu « {initial} »")
    return Workflow(name=name, version=version, label=data.get("label", ""), initial=initial, roles=roles,
                    states=states, transitions=transitions, source=text)


def _states(raw, roles, check: _Checker) -> dict:
    states = {}
    if not isinstance(raw, dict):
        check.error(getattr(raw, "line", 1), "« states » doit être un dictionnaire d'états")
        return states
    for name, spec in raw.items():
        line = located.line_of(raw, name)
        if not isinstance(spec, dict):
            check.error(line, f"l'état « {name} » doit être un dictionnaire (au moins « label »)")
            continue
        check.keys(spec, STATE_KEYS, f"l'état « {name} »")
        if not spec.get("label"):
            check.error(line, f"l'état « {name} » n'a pas de « label »")
        timeout = None
        if "timeout" in spec:
            timeout = _timeout(spec["timeout"], located.line_of(spec, "timeout"), name, check)
        states[name] = State(name=name, label=spec.get("label", name), final=bool(spec.get("final", False)),
                             editable_by=check.names(spec, "editable_by", roles, "rôle inconnu"), timeout=timeout,
                             holder_sees_reviews=_flag(spec, "holder_sees_reviews", name, check))
    return states


def _flag(spec, key: str, state: str, check: _Checker) -> bool:
    """A yes/no setting of a state: absent means no."""
    value = spec.get(key, False)
    if not isinstance(value, bool):
        check.error(located.line_of(spec, key), f"« {key} » de l'état « {state} » vaut true ou false")
        return False
    return value


def _timeout(spec, line: int, state: str, check: _Checker) -> Timeout | None:
    if not isinstance(spec, dict):
        check.error(line, f"le « timeout » de l'état « {state} » doit contenir « after » et « transition »")
        return None
    check.keys(spec, TIMEOUT_KEYS, f"le timeout de l'état « {state} »")
    after = parse_duration(spec.get("after", ""))
    if after is None:
        check.error(located.line_of(spec, "after"), f"durée invalide « {spec.get('after')} » : "
                                                    "écrire par exemple 30d, 12h ou 90m")
    if not spec.get("transition"):
        check.error(line, f"le « timeout » de l'état « {state} » doit nommer une « transition »")
    return Timeout(after=after or timedelta(0), transition=spec.get("transition", ""))


def _transitions(raw, states: dict, roles, check: _Checker) -> dict:
    transitions = {}
    if not isinstance(raw, list):
        check.error(getattr(raw, "line", 1), "« transitions » doit être une liste")
        return transitions
    for index, spec in enumerate(raw):
        line = located.line_of(raw, index)
        if not isinstance(spec, dict) or not spec.get("name"):
            check.error(line, "chaque transition doit avoir un « name »")
            continue
        name = spec["name"]
        check.keys(spec, TRANSITION_KEYS, f"la transition « {name} »")
        if name in transitions:
            check.error(line, f"nom de transition en double : « {name} »")
        for key in ("label", "from", "to", "roles"):
            if key not in spec:
                check.error(line, f"la transition « {name} » n'a pas de « {key} »")
        transitions[name] = Transition(
            name=name, label=spec.get("label", name), sources=_sources(spec, states, check),
            target=_target(spec, states, check), roles=check.names(spec, "roles", roles, "rôle inconnu"),
            guards=check.names(spec, "guards", GUARDS, "garde inconnue"), effects=_effects(spec, check),
            requires=check.names(spec, "requires", REQUIREMENTS, "champ requis inconnu"),
            internal=bool(spec.get("internal", False)), when=_event(spec, check))
    return transitions


def _event(spec, check: _Checker) -> str | None:
    event = spec.get("when")
    if event is not None and event not in EVENTS:
        check.error(located.line_of(spec, "when"),
                    f"événement inconnu « {event} » (attendu : {', '.join(sorted(EVENTS))})")
        return None
    return event


def _sources(spec, states: dict, check: _Checker) -> tuple[str, ...]:
    raw = spec.get("from", [])
    if raw == "*":
        return tuple(name for name, state in states.items() if not state.final)
    sources = check.names(spec, "from", states, "état inconnu")
    for index, name in enumerate(sources):
        if name in states and states[name].final:
            check.error(located.line_of(raw, index) or located.line_of(spec, "from"),
                        f"la transition « {spec['name']} » part de l'état final « {name} »")
    return sources


def _target(spec, states: dict, check: _Checker) -> str:
    target = spec.get("to", "")
    if target and target not in states:
        check.error(located.line_of(spec, "to"), f"état inconnu « {target} »")
    return target


def _effects(spec, check: _Checker) -> tuple[Effect, ...]:
    effects = []
    raw = spec.get("effects", [])
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        line = located.line_of(raw, index)
        if isinstance(item, str):
            item = {item: {}}
        if not isinstance(item, dict) or len(item) != 1:
            check.error(line, "un effet s'écrit « - nom: {paramètres} »")
            continue
        (name, params), = item.items()
        if name not in EFFECTS:
            check.error(line, f"effet inconnu « {name} »")
            continue
        for message in EFFECTS[name].check(params or {}):
            check.error(line, f"effet « {name} » : {message}")
        effects.append(Effect(name=name, params=dict(params or {})))
    return tuple(effects)


def _check_graph(workflow: Workflow, data, check: _Checker) -> None:
    states_raw = data["states"]
    if workflow.states[workflow.initial].final:
        check.error(located.line_of(data, "initial"), "l'état initial ne peut pas être final")
    reachable, queue = set(), [workflow.initial]
    while queue:
        name = queue.pop()
        if name not in reachable:
            reachable.add(name)
            queue.extend(t.target for t in workflow.transitions_from(name))
    for name, state in workflow.states.items():
        line = located.line_of(states_raw, name)
        if name not in reachable:
            check.error(line, f"l'état « {name} » est inatteignable depuis « {workflow.initial} »")
        if not state.final and not workflow.transitions_from(name):
            check.error(line, f"l'état « {name} » n'est pas final et aucune transition n'en sort")
        if state.timeout and state.timeout.transition:
            transition = workflow.transitions.get(state.timeout.transition)
            timeout_line = located.line_of(states_raw[name], "timeout")
            if transition is None:
                check.error(timeout_line, f"le timeout de « {name} » nomme une transition inconnue "
                                          f"« {state.timeout.transition} »")
            elif name not in transition.sources:
                check.error(timeout_line, f"le timeout de « {name} » nomme la transition « {transition.name} », "
                                          f"qui ne part pas de cet état")


def load_directory(directory: Path) -> tuple[dict[str, Workflow], list[WorkflowError]]:
    workflows, errors = {}, []
    for path in sorted(directory.glob("*.yaml")):
        try:
            workflows[path.stem] = load_file(path)
        except InvalidWorkflow as invalid:
            errors.extend(invalid.errors)
    return workflows, errors
