"""A dossier: one organisation's application to one call, moving through the call's workflow."""
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aap.core.models import TimestampMixin, UTCDateTime
from aap.dossiers.access import access
from aap.extensions import db
from aap.questionnaire.completeness import missing_answers


class Dossier(TimestampMixin, db.Model):
    __tablename__ = "dossiers"
    #: a call's list of dossiers sorts on these within the call; the list of all dossiers on the last four
    __table_args__ = (Index("ix_dossiers_call_id_reference", "call_id", "reference"),
                      Index("ix_dossiers_call_id_title", "call_id", "title"),
                      Index("ix_dossiers_call_id_requested_amount", "call_id", "requested_amount"),
                      Index("ix_dossiers_state_entered_at_id", "state_entered_at", "id"),
                      Index("ix_dossiers_title_id", "title", "id"),
                      Index("ix_dossiers_state_id", "state", "id"),
                      Index("ix_dossiers_call_id_state_entered_at", "call_id", "state_entered_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    strand_id: Mapped[int | None] = mapped_column(ForeignKey("strands.id"))
    #: AAP-2021-0042, given at the first submission
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    requested_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    state: Mapped[str] = mapped_column(String(60), index=True)
    form_version_id: Mapped[int | None] = mapped_column(ForeignKey("form_versions.id"))
    #: answers to the application form, by field key
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the pinned workflow version this dossier follows; it changes only by an explicit migration
    workflow_version_id: Mapped[int] = mapped_column(ForeignKey("workflow_versions.id"))
    state_entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: when the current state's timeout fires, if it has one
    timeout_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: number of audit records and hash of the last one: a removed tail is detected too
    audit_count: Mapped[int] = mapped_column(default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    #: the first submission: the figures of the bilan count a dossier as received from then on
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: the instruction's answer on eligibility (recevabilité); None until it is given
    eligible: Mapped[bool | None]
    #: the project's total charges and the jobs it plans, as last submitted (the bilan sums them in SQL)
    project_budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    jobs_planned: Mapped[Decimal | None] = mapped_column(Numeric(9, 2))
    #: a few lines the holder agrees to see published in the bilan, among the supported structures
    public_summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    publication_consent: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: optimistic lock: a stale form or a concurrent transition is refused, never applied twice
    lock_version: Mapped[int] = mapped_column(default=1)

    call = relationship("Call")
    strand = relationship("Strand")
    organisation = relationship("Organisation")
    workflow_version = relationship("WorkflowVersion")
    form_version = relationship("FormVersion")
    attachments = relationship("Attachment", back_populates="dossier", cascade="all, delete-orphan",
                               order_by="Attachment.id", lazy="selectin")

    __mapper_args__ = {"version_id_col": lock_version}

    def missing_items(self) -> list[str]:
        """What still prevents submission, in words the holder can act on."""
        return [label for label, _anchor in self.checklist()]

    def checklist(self) -> list[tuple[str, str]]:
        """Each missing item with the place on the site where it is filled in."""
        missing = []
        if not self.title.strip():
            missing.append((_l("titre du projet"), "#title"))
        if not self.summary.strip():
            missing.append((_l("description du projet"), "#summary"))
        if not self.requested_amount:
            missing.append((_l("montant demandé"), "#requested_amount"))
        missing += missing_answers(self)
        given = {attachment.kind for attachment in self.attachments}
        for piece in self.pieces():
            if piece["required"] and piece["key"] not in given:
                missing.append((piece["label"], f"#piece-{piece['key']}"))
        return missing

    def pieces(self) -> list[dict]:
        """The documents asked for: the call's required attachments, then the form's file questions."""
        pieces = [{**item, "required": True} for item in self.call.required_attachments]
        if self.form_version is not None:
            answers = self.answers or {}
            pieces += [{"key": f.key, "label": f.label, "required": f.required and f.applies(answers)}
                       for f in self.form_version.definition.fields() if f.type == "file"]
        return pieces

    def publication(self) -> dict:
        """What the holder agreed to see published in the bilan if supported; receipts seal it."""
        return {"consent": bool(self.publication_consent), "summary": self.public_summary or ""}

    def can(self, action: str, user) -> bool:
        return access(user, self).allows(action)

    def workflow_roles(self, user) -> frozenset[str]:
        return access(user, self).roles
