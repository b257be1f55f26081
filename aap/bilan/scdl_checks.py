"""The rules of the SCDL « subventions » schema, applied by aap itself before an open-data file is served.

Table Schema's own constraints (required, type, pattern, enum, maxLength, minimum, maximum) and the schema's two
custom checks, which plain validators ignore: `french-siret-value` (14 digits, the Luhn key of the SIREN and of the
whole number; La Poste's establishments, SIREN 356000000, have a digit sum divisible by 5 instead, their head office
excepted) and `one-of-required` (idBeneficiaire or rnaBeneficiaire on each row). Messages are in French.
"""
import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "scdl-subventions-2.1.1.json"
LA_POSTE_SIREN = "356000000"
#: La Poste's head office keeps the Luhn key (INSEE)
LA_POSTE_HEAD_OFFICE = "35600000000048"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
TYPE_NAMES = {"date": "une date AAAA-MM-JJ", "number": "un nombre (point décimal)", "boolean": "oui ou non"}


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell (or one row, for a check on two columns); row 1 is the first line of data."""
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"ligne {self.row}, {self.column} : {self.message}"


@cache
def scdl_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def field_names(schema: dict | None = None) -> list[str]:
    return [field["name"] for field in (schema or scdl_schema())["fields"]]


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siret_is_valid(value: str) -> bool:
    """14 digits whose SIREN and whole number pass the Luhn check, or a La Poste SIRET whose digits sum to 5k."""
    if not re.fullmatch(r"[0-9]{14}", value or ""):  # ASCII digits: \d takes any script's
        return False
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE:
        return sum(int(digit) for digit in value) % 5 == 0
    return luhn_valid(value) and luhn_valid(value[:9])


def _typed(field: dict, value: str):
    """The value as its field's type reads it, or None when it is not of that type."""
    kind = field.get("type", "string")
    if kind == "date":
        try:
            return date.fromisoformat(value) if _DATE.fullmatch(value) else None
        except ValueError:
            return None
    if kind == "number":
        return Decimal(value) if _NUMBER.fullmatch(value) else None
    if kind == "boolean":
        allowed = field.get("trueValues", ["true"]) + field.get("falseValues", ["false"])
        return value if value in allowed else None
    return value


def cell_problems(field: dict, value: str) -> list[str]:
    constraints = field.get("constraints", {})
    if value == "":
        return ["valeur obligatoire manquante"] if constraints.get("required") else []
    typed = _typed(field, value)
    if typed is None:
        return [f"« {value} » n'est pas {TYPE_NAMES[field['type']]}"]
    problems = []
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value, re.ASCII):
        problems.append(f"« {value} » n'a pas la forme attendue")
    if "maxLength" in constraints and len(value) > constraints["maxLength"]:
        problems.append(f"{len(value)} caractères pour {constraints['maxLength']} au plus")
    if "enum" in constraints and value not in constraints["enum"]:
        problems.append(f"« {value} » n'est pas l'une des valeurs admises ({', '.join(constraints['enum'])})")
    if "minimum" in constraints and typed < Decimal(str(constraints["minimum"])):
        problems.append(f"{value} est inférieur au minimum {constraints['minimum']}")
    if "maximum" in constraints and typed > Decimal(str(constraints["maximum"])):
        problems.append(f"{value} est supérieur au maximum {constraints['maximum']}")
    return problems


def french_siret_value(row: dict, number: int, column: str) -> list[Problem]:
    value = row.get(column) or ""
    if value and not siret_is_valid(value):
        return [Problem(number, column,
                        f"« {value} » n'est pas un numéro SIRET valide (14 chiffres et clé de contrôle)")]
    return []


def one_of_required(row: dict, number: int, column1: str, column2: str) -> list[Problem]:
    if row.get(column1) or row.get(column2):
        return []
    return [Problem(number, f"{column1} ou {column2}", f"ni {column1} ni {column2} : l'un des deux est obligatoire")]


CUSTOM_CHECKS = {"french-siret-value": french_siret_value, "one-of-required": one_of_required}


def row_problems(row: dict, number: int, schema: dict | None = None) -> list[Problem]:
    """Everything the schema says against one row: its cells, then its custom checks (an unknown one is an error)."""
    schema = schema or scdl_schema()
    problems = [Problem(number, field["name"], message) for field in schema["fields"]
                for message in cell_problems(field, row.get(field["name"]) or "")]
    for check in schema.get("custom_checks", []):
        if check["name"] not in CUSTOM_CHECKS:
            raise LookupError(f"contrôle « {check['name']} » du schéma inconnu : il n'est jamais tenu pour réussi")
        problems.extend(CUSTOM_CHECKS[check["name"]](row, number, **check["params"]))
    return problems


def csv_problems(text: str, schema: dict | None = None) -> list[Problem]:
    """A whole file as written (UTF-8, commas): its header, then every row."""
    schema = schema or scdl_schema()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    if header != field_names(schema):
        return [Problem(0, "en-tête", f"colonnes {header} au lieu de {field_names(schema)}")]
    problems = []
    for number, cells in enumerate(reader, start=1):
        if len(cells) != len(header):
            problems.append(Problem(number, "ligne", f"{len(cells)} cellules pour {len(header)} colonnes"))
            continue
        problems.extend(row_problems(dict(zip(header, cells, strict=True)), number, schema))
    return problems
