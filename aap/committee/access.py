"""Who may do what with a committee session: decided here and nowhere else.

A dossier's own rules (reading it, being recused for it) stay in aap.dossiers.access; a session only adds who is
convened, who manages it and who chairs it now.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from aap.committee.states import OPEN
from aap.core.roles import ADMIN, INSTRUCTOR
from aap.dossiers.access import access


@dataclass(frozen=True)
class SessionAccess:
    #: may open the session's pages: its staff and its convened members
    view: bool = False
    #: the instruction team: plans the session, convenes, sets the agenda, records attendance, opens and closes it
    manage: bool = False
    #: convened to the session: prepares it, follows it live, votes and scores where allowed
    member: bool = False
    #: the one person acting as chair right now
    chair: bool = False
    #: writes the minutes' free text, locks them and starts a correction: the session's staff and its chair
    write_minutes: bool = False

    def allows(self, action: str) -> bool:
        return bool(getattr(self, action, False))


def is_session_staff(user) -> bool:
    """Administrators and instructors, whatever the call: they prepare and run every committee."""
    return user.is_authenticated and (user.has_role(ADMIN) or user.has_role(INSTRUCTOR))


def session_access(user, session) -> SessionAccess:
    if user is None or not user.is_authenticated:
        return SessionAccess()
    staff = is_session_staff(user)
    member = any(member.user_id == user.id for member in session.members)
    chair = session.chair_id == user.id and session.chair_id is not None
    return SessionAccess(view=staff or member, manage=staff, member=member, chair=chair,
                         write_minutes=staff or chair)


def pack_readable(user, pack) -> bool:
    """A preparation pack holds what its reader's rights show: it is theirs alone, while they may see the session."""
    return user.is_authenticated and pack.user_id == user.id and session_access(user, pack.session).view


def scoring_refusal(user, session, item) -> str | None:
    """Why this person may not score this item in session now, in French; None when they may.

    Only where the call says its committee scores in session, a convened member scores the current item of an
    open session, unless they are recused for its dossier.
    """
    if not session.call.scores_in_session:
        return _("Cet appel ne prévoit pas de notation en séance : les dossiers sont notés par leurs relecteurs.")
    if not session_access(user, session).member:
        return _("Seuls les membres convoqués à la séance notent les dossiers.")
    if session.state != OPEN:
        return _("La séance n'est pas ouverte : les notes se donnent pendant la séance.")
    if item is None or session.current_item_id != item.id:
        return _("Le ou la président·e est passé·e à un autre point : seul le point en cours se note. Rien n'a été "
                 "enregistré.")
    return access(user, item.dossier).recused


def follows(user, convened: bool) -> bool:
    """May poll a session's live state: `view` of session_access, told whether the person is convened (one query)."""
    return user is not None and user.is_authenticated and (is_session_staff(user) or convened)
