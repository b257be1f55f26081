"""Text helpers shared by list pages: accent-insensitive sorting and literal search."""
import unicodedata


def sort_key(text: str) -> str:
    """« Épinay » sorts with the E, as a French reader expects."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def contains_pattern(search: str) -> str:
    """A LIKE pattern matching the text literally: % and _ typed by a user are not wildcards."""
    escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def spreadsheet_cell(value) -> str:
    """A cell a spreadsheet shows as typed: a leading = + - @ would otherwise run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
