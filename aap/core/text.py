"""Text helpers shared by list pages: accent-insensitive sorting, literal search, spreadsheet-safe cells."""
import re
import unicodedata
from decimal import Decimal


def sort_key(text: str) -> str:
    """« Épinay » sorts with the E, as a French reader expects."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def contains_pattern(search: str) -> str:
    """A LIKE pattern matching the text literally: % and _ typed by a user are not wildcards."""
    escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


#: a number written as text, which a spreadsheet reads as that number and never as a formula
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_FORMULA_STARTS = ("=", "+", "-", "@")


def spreadsheet_cell(value) -> str:
    """A cell a spreadsheet shows as typed: a leading = + - @ (however disguised) would otherwise run as a formula.

    Numbers, negative ones included, stay numbers (with a decimal comma, as a French spreadsheet reads them).
    """
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return (format(value, "f") if isinstance(value, Decimal) else str(value)).replace(".", ",")
    text = str(value)
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text if _looks_like_formula(text) else text


def _looks_like_formula(text: str) -> bool:
    """Tab or CR first, or = + - @ as the first visible character once spaces and control characters are skipped."""
    if text[:1] in ("\t", "\r"):
        return True
    for index, character in enumerate(text):
        if character.isspace() or unicodedata.category(character).startswith("C"):
            continue
        # fullwidth and other compatibility forms (＝, ＋, ﹣…) are what NFKC turns into the ASCII sign
        return unicodedata.normalize("NFKC", text[index:index + 4])[:1] in _FORMULA_STARTS
    return False
