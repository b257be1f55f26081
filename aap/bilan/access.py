"""Who may write, preview and publish a call's bilan, and who reads it: decided here and nowhere else.

Administrators write the texts, preview and publish. A published version is public: anyone reads it, signed in or
not. A bilan never published is nobody's to read but its administrators': the public is told it does not exist.
"""
from aap.core.permissions import role
from aap.core.roles import ADMIN

#: the rule every administration page of the bilan declares (aap.core.permissions.allow)
administrators = role(ADMIN)


def manages_bilan(user, call_id: int | None) -> bool:
    """Writes the introduction and commentary, previews and publishes the bilan of the call: its administrators."""
    if user is None or not user.is_authenticated or call_id is None:
        return False
    return any(grant.role == ADMIN and grant.call_id in (None, call_id) for grant in user.grants)


def reads_version(user, version) -> bool:
    """A published version is everyone's to read, with no account; only published versions exist as rows."""
    return version is not None and version.id is not None and version.published_at is not None

