"""The thread between a dossier's holders and the instruction team, with attachments."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import StoredFileColumns, UTCDateTime, utcnow
from aap.core.roles import HOLDER
from aap.dossiers.access import access
from aap.extensions import db
from aap.workflow.engine import workflow_of

MAX_BODY = 10000
#: an ordinary message, or a request for information that sent the dossier back to its holders
MESSAGE, INFO_REQUEST = "message", "info_request"


class Message(StoredFileColumns, db.Model):
    __tablename__ = "dossier_messages"
    file_optional = True

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: true when written by the authority's staff, false when written by a holder
    from_staff: Mapped[bool]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default=MESSAGE)
    #: a request for information: when the answer is due (the state's timeout), if the workflow sets one
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: a request for information: the label of the state the dossier goes to when the deadline passes
    outcome_label: Mapped[str | None] = mapped_column(String(200))

    author = relationship("User")
    dossier = relationship("Dossier")

    def can(self, action: str, user) -> bool:
        return action == "view" and access(user, self.dossier).thread

    @property
    def is_info_request(self) -> bool:
        return self.kind == INFO_REQUEST

    def is_pending_request(self, dossier) -> bool:
        """The request that sent the dossier to the state it is still in, where its holders edit it."""
        return (self.is_info_request and dossier.state_entered_at is not None
                and self.created_at >= dossier.state_entered_at
                and HOLDER in workflow_of(dossier).states[dossier.state].editable_by)
