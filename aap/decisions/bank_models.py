"""An organisation's bank details: each change is a new row, the latest is the one payments go to."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.extensions import db


class BankAccount(TimestampMixin, db.Model):
    """The account an organisation gave for its grants' payments, as typed (normalised) and checked then."""

    __tablename__ = "bank_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    #: the account holder's name as the bank knows it (titulaire du compte)
    holder_name: Mapped[str] = mapped_column(String(200))
    #: without spaces, in capitals
    iban: Mapped[str] = mapped_column(String(34))
    #: 8 or 11 characters, in capitals
    bic: Mapped[str] = mapped_column(String(11))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: the dossier whose page they were typed on
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"))

    organisation = relationship("Organisation")
    recorded_by = relationship("User")

    @property
    def iban_end(self) -> str:
        """The last four characters: all that staff who do not pay read of the account."""
        return self.iban[-4:]
