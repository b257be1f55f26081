"""Every write of the dossiers domain; nothing here commits."""
from aap.dossiers.models import Dossier

DRAFT_FIELDS = ("title", "summary", "requested_amount", "strand_id")


def save_draft(dossier: Dossier, data: dict) -> None:
    """Save what was typed, complete or not: completeness is checked at submission."""
    for name in DRAFT_FIELDS:
        value = data.get(name)
        setattr(dossier, name, value.strip() if isinstance(value, str) else value)
    if dossier.form_version is not None:
        from aap.questionnaire.forms import field_name, to_answer

        answers = {}
        for field in dossier.form_version.definition.fields():
            if field_name(field.key) in data:
                value = to_answer(field, data[field_name(field.key)])
                if value not in (None, {}):
                    answers[field.key] = value.strip() if isinstance(value, str) else value
        dossier.answers = answers
