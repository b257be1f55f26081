"""Files attached to a dossier: the call's required pieces, and any other the holder wants to add."""
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import StoredFileColumns, UTCDateTime, utcnow
from aap.core.storage import Room, StoredFile
from aap.dossiers.access import piece_withheld
from aap.extensions import db

OTHER = "autre"


class Attachment(StoredFileColumns, db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    #: key of the call's required attachment it answers, or "autre"
    kind: Mapped[str] = mapped_column(String(60))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    dossier = relationship("Dossier", back_populates="attachments")

    def can(self, action: str, user) -> bool:
        if action == "view":  # a blind reviewer is told the piece does not exist for them
            return self.dossier.can("view", user) and not piece_withheld(user, self.dossier, self.kind)
        return self.dossier.can("edit", user)


def attach(dossier, kind: str, stored: StoredFile, user) -> Attachment:
    """A required piece replaces the previous file for that piece; other pieces accumulate."""
    if kind != OTHER:
        for previous in [a for a in dossier.attachments if a.kind == kind]:
            dossier.attachments.remove(previous)
    attachment = Attachment(kind=kind, stored_file=stored, uploaded_by_id=user.id)
    dossier.attachments.append(attachment)
    return attachment


def room_for(dossier, kind: str) -> Room:
    """What a new piece of this kind may take, within the dossier's limits on the number and size of its pieces."""
    kept = [a for a in dossier.attachments if kind == OTHER or a.kind != kind]  # a required piece is replaced
    most_pieces, most_bytes = current_app.config["MAX_PIECES_PER_DOSSIER"], current_app.config["MAX_DOSSIER_BYTES"]
    if len(kept) >= most_pieces:
        return Room(0, _("Un dossier compte au plus %(n)d pièces : retirez-en une avant d'en ajouter une autre.",
                         n=most_pieces))
    return Room(most_bytes - sum(a.file_size for a in kept),
                _("Les pièces d'un dossier ne peuvent pas dépasser %(n)d Mo au total : retirez une pièce ou "
                  "envoyez un fichier plus léger.", n=most_bytes // (1024 * 1024)))
