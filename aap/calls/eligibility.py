"""Can this organisation apply to this call? Each refusal says which rule and why."""
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from aap.organisations.communes import commune_name
from aap.organisations.forms import LEGAL_FORM_LABELS


def years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def eligibility_problems(call, organisation, today: date) -> list[str]:
    problems = []
    if call.eligible_legal_forms and organisation.legal_form not in call.eligible_legal_forms:
        problems.append(_("Votre structure n'est pas éligible : la forme juridique « %(form)s » n'est pas acceptée "
                          "par cet appel (formes acceptées : %(accepted)s).",
                          form=LEGAL_FORM_LABELS.get(organisation.legal_form, organisation.legal_form),
                          accepted=", ".join(str(LEGAL_FORM_LABELS.get(f, f)) for f in call.eligible_legal_forms)))
    if call.eligible_communes and organisation.commune_insee not in call.eligible_communes:
        problems.append(_("Votre structure n'est pas éligible : son siège (%(commune)s) est hors du territoire "
                          "de l'appel.", commune=commune_name(organisation.commune_insee)))
    reference = call.closing_day() or today
    if call.min_age_years or call.max_age_years:
        if organisation.creation_date is None:
            problems.append(_("Indiquez la date de création de votre structure : cet appel en tient compte."))
        else:
            age = years_between(organisation.creation_date, reference)
            if call.min_age_years and age < call.min_age_years:
                problems.append(ngettext("Votre structure n'est pas éligible : elle doit avoir au moins %(num)d an "
                                         "d'existence à la clôture de l'appel.",
                                         "Votre structure n'est pas éligible : elle doit avoir au moins %(num)d ans "
                                         "d'existence à la clôture de l'appel.", call.min_age_years))
            if call.max_age_years and age > call.max_age_years:
                problems.append(ngettext("Votre structure n'est pas éligible : cet appel s'adresse aux structures "
                                         "de %(num)d an au plus.",
                                         "Votre structure n'est pas éligible : cet appel s'adresse aux structures "
                                         "de %(num)d ans au plus.", call.max_age_years))
    return problems
