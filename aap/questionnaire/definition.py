"""An application form as data: sections of typed fields, some shown only when another answer makes them relevant."""
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from aap.core.yamlsafe import SafeLoader, problem_of

TYPES = ("text", "long_text", "number", "money", "date", "choice", "multi_choice", "yes_no", "commune", "file",
         "budget")
FIELD_KEYS = {"key", "type", "label", "help", "required", "choices", "show_if", "must_be", "identifying"}
SECTION_KEYS = {"key", "title", "help", "fields"}
DEFAULT = Path(__file__).resolve().parent.parent / "data" / "cerfa-12156.yaml"


class DefinitionError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Field:
    key: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    choices: tuple = ()
    #: {"field": key, "equals": value}: the field is asked only when that answer was given
    show_if: dict | None = None
    #: the only acceptable answer (a declaration to accept)
    must_be: str | None = None
    #: the answer could name the holder (a person, a phone, an address, an identifier): hidden from blind reviewers
    identifying: bool = False

    def applies(self, answers: dict) -> bool:
        if not self.show_if:
            return True
        given = answers.get(self.show_if["field"])
        wanted = self.show_if["equals"]
        return wanted in given if isinstance(given, list) else given == wanted


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    help: str = ""
    fields: tuple[Field, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Definition:
    sections: tuple[Section, ...]

    def fields(self) -> list[Field]:
        return [f for section in self.sections for f in section.fields]


def parse(data) -> Definition:
    problems, seen, sections = [], set(), []
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or not data["sections"]:
        raise DefinitionError(["le formulaire doit contenir une liste « sections »"])
    for number, raw in enumerate(data["sections"], start=1):
        if not isinstance(raw, dict) or not raw.get("key") or not raw.get("title"):
            problems.append(f"section {number} : « key » et « title » sont obligatoires")
            continue
        problems += [f"section « {raw['key']} » : clé inconnue « {k} »" for k in raw if k not in SECTION_KEYS]
        fields = [_field(item, raw["key"], seen, problems) for item in raw.get("fields") or []]
        sections.append(Section(raw["key"], raw["title"], raw.get("help", ""), tuple(f for f in fields if f)))
    if sum(f.type == "budget" for s in sections for f in s.fields) > 1:
        problems.append("un seul champ « budget » par formulaire")
    if problems:
        raise DefinitionError(problems)
    return Definition(tuple(sections))


def _field(raw, section: str, seen: set, problems: list) -> Field | None:
    if not isinstance(raw, dict) or not raw.get("key") or not raw.get("label"):
        problems.append(f"section « {section} » : chaque champ a une « key » et un « label »")
        return None
    key, kind = raw["key"], raw.get("type", "text")
    where = f"champ « {key} »"
    problems += [f"{where} : clé inconnue « {k} »" for k in raw if k not in FIELD_KEYS]
    if key in seen:
        problems.append(f"{where} : clé en double")
    if kind not in TYPES:
        problems.append(f"{where} : type inconnu « {kind} » (attendu : {', '.join(TYPES)})")
    choices = raw.get("choices") or ()
    if kind in ("choice", "multi_choice") and not choices:
        problems.append(f"{where} : « choices » est obligatoire pour ce type")
    show_if = raw.get("show_if")
    if show_if is not None and (not isinstance(show_if, dict) or show_if.get("field") not in seen):
        problems.append(f"{where} : « show_if » doit nommer un champ placé avant lui")
    if raw.get("must_be") is not None and kind != "yes_no":
        problems.append(f"{where} : « must_be » ne vaut que pour un champ oui/non")
    if not isinstance(raw.get("identifying", False), bool):
        problems.append(f"{where} : « identifying » vaut true ou false")
    seen.add(key)
    return Field(key, kind, raw["label"], raw.get("help", ""), bool(raw.get("required")),
                 tuple(choices) if isinstance(choices, list) else choices, show_if, raw.get("must_be"),
                 raw.get("identifying") is True)


def default_source() -> str:
    return DEFAULT.read_text(encoding="utf-8")


def parse_source(text: str) -> Definition:
    try:
        data = yaml.load(text, Loader=SafeLoader)  # noqa: S506  (PyYAML's safe loader, one constructor refined)
    except yaml.YAMLError as error:
        line, problem = problem_of(error)
        raise DefinitionError([f"ligne {line} : YAML illisible : {problem}" if line
                               else f"YAML illisible : {problem}"]) from None
    return parse(data)
