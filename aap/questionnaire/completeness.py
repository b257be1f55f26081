"""What a dossier's answers still lack, each item with the place where it is answered."""
from flask_babel import gettext as _

from aap.questionnaire import budget


def missing_answers(dossier) -> list[tuple[str, str]]:
    version = dossier.form_version
    if version is None:
        return []
    answers, missing = dossier.answers or {}, []
    for field in version.definition.fields():
        if field.type == "file" or not field.applies(answers):
            continue
        value = answers.get(field.key)
        anchor = f"#q_{field.key}"
        if field.type == "budget":
            missing += [(problem, anchor) for problem in budget.problems(value, dossier.requested_amount,
                                                                          dossier.call.max_share_percent)]
        elif field.required and value in (None, "", []):
            missing.append((field.label, anchor))
        elif field.must_be and value != field.must_be:
            missing.append((_("%(label)s (réponse « %(answer)s » attendue)", label=field.label,
                              answer=field.must_be), anchor))
    return missing
