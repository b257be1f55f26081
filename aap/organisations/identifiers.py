"""SIRET (python-stdnum, La Poste exception included) and RNA numbers."""
import re

from stdnum.fr import siret as stdnum_siret

RNA_PATTERN = re.compile(r"^W\d{9}$")


def compact(value: str | None) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def is_valid_siret(value: str) -> bool:
    return stdnum_siret.is_valid(compact(value))


def is_valid_rna(value: str) -> bool:
    return bool(RNA_PATTERN.match(compact(value)))
