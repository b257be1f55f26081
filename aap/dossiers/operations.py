"""Every write of the dossiers domain; nothing here commits."""
from aap.dossiers.models import Dossier

DRAFT_FIELDS = ("title", "summary", "requested_amount", "strand_id")


def save_draft(dossier: Dossier, data: dict) -> None:
    """Save what was typed, complete or not: completeness is checked at submission."""
    for name in DRAFT_FIELDS:
        value = data.get(name)
        setattr(dossier, name, value.strip() if isinstance(value, str) else value)
