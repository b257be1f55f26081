"""Who may do what with a committee session: decided here and nowhere else.

A dossier's own rules (reading it, being recused for it) stay in aap.dossiers.access; a session only adds who is
convened, who manages it and who chairs it now.
"""
from dataclasses import dataclass

from aap.core.roles import ADMIN, INSTRUCTOR


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
    return SessionAccess(view=staff or member, manage=staff, member=member, chair=chair)


def follows(user, convened: bool) -> bool:
    """May poll a session's live state: `view` of session_access, told whether the person is convened (one query)."""
    return user is not None and user.is_authenticated and (is_session_staff(user) or convened)
