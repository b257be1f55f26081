"""Stakeholder groups named in the reader's language, for every page and export of the review."""
from flask_babel import gettext as _

from aap.review.assignment import GROUP_LABELS
from aap.review.queries import UNKNOWN_GROUP


def group_labels() -> dict[str, str]:
    return {key: label.translated(_) for key, label in GROUP_LABELS.items()}


def group_label(group: str) -> str:
    """A stakeholder group in the reader's language; a reviewer in no pool is said to be so."""
    if group == UNKNOWN_GROUP:
        return _("Hors des viviers de l'appel (groupe non renseigné)")
    label = GROUP_LABELS.get(group)
    return label.translated(_) if label is not None else group
