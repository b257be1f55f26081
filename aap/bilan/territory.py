"""The territory's communes as they stood in a given year: a commune merged since counts apart before its merger."""
from datetime import date

from sqlalchemy import case, literal

from aap.organisations.communes import all_communes, commune_name
from aap.organisations.models import Organisation

#: the key and label of the communes outside the territory, counted together
ELSEWHERE, ELSEWHERE_LABEL = "autre", "Hors territoire"


def merged_by(day: date) -> dict[str, str]:
    """Each commune that no longer exists on `day`, with the commune it merged into (followed to the end)."""
    communes = all_communes()
    merged = {}
    for code in communes:
        target = code
        while not communes[target].exists_on(day) and communes[target].merged_into in communes:
            target = communes[target].merged_into
        if target != code:
            merged[code] = target
    return merged


def commune_of_year(year: int):
    """The organisation's commune in the territory of 1 January of `year`, as an SQL expression."""
    return commune_on(date(year, 1, 1))


def commune_on(day: date):
    """The organisation's commune in the territory of `day`, as an SQL expression."""
    code = Organisation.commune_insee
    inside = case((code.in_(list(all_communes())), code), else_=literal(ELSEWHERE))
    merged = merged_by(day)
    return case(merged, value=code, else_=inside) if merged else inside


def commune_label(code: str | None) -> str:
    return commune_name(code) if code in all_communes() else ELSEWHERE_LABEL
