"""The list's filters read from its address: each value checked, and each one set aside said so in French."""
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from aap.core.inputs import database_int
from aap.organisations.communes import all_communes
from aap.review.instruction_queries import ListFilters

#: the names the address carries, in the order of the form
NAMES = ("q", "etat", "volet", "commune", "note_min", "note_max", "relecteur", "conflits", "divergents")
MAX_SEARCH = 200


def _score(text: str, label: str, problems: list[str]) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= 100:
        problems.append(_("%(label)s : saisissez une note entre 0 et 100, par exemple 62,5 (« %(value)s » est "
                          "ignoré).", label=label, value=text.strip()))
        return None
    return value


def _choice(text: str, known, label: str, problems: list[str]):
    """The value if it is one of `known`, else nothing and a message naming it."""
    if not text:
        return None
    if text in known:
        return text
    problems.append(_("%(label)s : « %(value)s » n'existe pas dans cet appel ; ce filtre est ignoré.",
                      label=label, value=text))
    return None


def _id_choice(text: str, known_ids, label: str, problems: list[str]) -> int | None:
    if not text:
        return None
    try:
        value = database_int(text)
    except ValueError:
        value = None
    if value not in known_ids:
        problems.append(_("%(label)s : « %(value)s » n'existe pas dans cet appel ; ce filtre est ignoré.",
                          label=label, value=text))
        return None
    return value


def read_filters(args, states, strand_ids, reviewer_ids) -> ListFilters:
    """The filters of `args`; `states`, `strand_ids` and `reviewer_ids` are what this call offers."""
    problems: list[str] = []
    search = args.get("q", "").strip()
    if len(search) > MAX_SEARCH:
        problems.append(_("La recherche est limitée à %(n)d caractères : seuls les premiers sont cherchés.",
                          n=MAX_SEARCH))
        search = search[:MAX_SEARCH]
    filters = ListFilters(
        search=search, state=_choice(args.get("etat", ""), states, _("État"), problems) or "",
        strand_id=_id_choice(args.get("volet", ""), strand_ids, _("Volet"), problems),
        commune=_choice(args.get("commune", ""), all_communes(), _("Commune"), problems) or "",
        score_min=_score(args.get("note_min", ""), _("Note minimale"), problems),
        score_max=_score(args.get("note_max", ""), _("Note maximale"), problems),
        reviewer_id=_id_choice(args.get("relecteur", ""), reviewer_ids, _("Relecteur·rice"), problems),
        conflicts=_choice(args.get("conflits", ""), ("avec", "sans"), _("Conflits d'intérêts"), problems) or "",
        divergent=args.get("divergents") == "1")
    if filters.score_min is not None and filters.score_max is not None and filters.score_min > filters.score_max:
        problems.append(_("La note minimale (%(low)s) dépasse la note maximale (%(high)s) : les deux bornes sont "
                          "ignorées ; corrigez-les.", low=args["note_min"].strip(), high=args["note_max"].strip()))
        filters.score_min = filters.score_max = None
    filters.problems = problems
    return filters


def is_filtered(args) -> bool:
    return any(args.get(name) for name in NAMES)
