"""The territory's communes, read once from aap/data/communes.csv."""
import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from aap.core.text import sort_key

SOURCE = Path(__file__).resolve().parent.parent / "data" / "communes.csv"


@dataclass(frozen=True)
class Commune:
    insee_code: str
    name: str
    valid_to: date | None
    merged_into: str | None

    def exists_on(self, day: date) -> bool:
        return self.valid_to is None or day <= self.valid_to


@cache
def all_communes() -> dict[str, Commune]:
    with SOURCE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {row["insee_code"]: Commune(row["insee_code"], row["name"],
                                       date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                                       row["merged_into"] or None) for row in rows}


def current_communes(day: date | None = None) -> list[Commune]:
    day = day or date.today()
    return sorted((c for c in all_communes().values() if c.exists_on(day)), key=lambda c: sort_key(c.name))


def commune_name(insee_code: str | None) -> str:
    commune = all_communes().get(insee_code or "")
    return commune.name if commune else (insee_code or "—")
