"""Shared column helpers: UTC timestamps stored naive-free, a stored file's columns, typed Mapped[] everywhere."""
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import ClassVar

from sqlalchemy import DateTime, Integer, String, TypeDecorator, event, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, object_session

from aap.core.storage import StoredFile, release_after_commit


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Store UTC, always hand back an aware datetime (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime refused: use aware UTC datetimes")
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def _file_column(column_type):
    """A column of the stored file, required unless the model says its rows may carry no file."""
    return declared_attr(lambda cls: mapped_column(column_type(), nullable=cls.file_optional))


class StoredFileColumns:
    """The stored file a row carries (key on disk, name, size, checksum, type); it leaves the disk with the row."""

    #: true when a row may carry no file
    file_optional: ClassVar[bool] = False
    file_key = _file_column(lambda: String(64))
    file_name = _file_column(lambda: String(200))
    file_size = _file_column(Integer)
    file_sha256 = _file_column(lambda: String(64))
    file_type = _file_column(lambda: String(120))

    @property
    def stored_file(self) -> StoredFile | None:
        if self.file_key is None:
            return None
        return StoredFile(self.file_key, self.file_name, self.file_size, self.file_sha256, self.file_type)

    @stored_file.setter
    def stored_file(self, stored: StoredFile) -> None:
        self.file_key, self.file_name, self.file_size = stored.key, stored.name, stored.size
        self.file_sha256, self.file_type = stored.sha256, stored.content_type

    @classmethod
    def stored_file_keys(cls, session) -> Iterator[str]:
        """The keys of the files this model's rows point to, for `aap storage check`."""
        yield from session.execute(select(cls.file_key).where(cls.file_key.is_not(None))).scalars()


@event.listens_for(StoredFileColumns, "after_delete", propagate=True)
def _release_file(mapper, connection, row) -> None:
    if row.file_key:
        release_after_commit(object_session(row), row.file_key)


def compared_on(dialect_name: str):
    """Alembic's include_object: an index kept for one database only (info["only_on"]) is not compared on another."""
    def include(object, name, type_, reflected, compare_to) -> bool:
        only_on = getattr(object, "info", {}).get("only_on") if type_ == "index" else None
        return only_on is None or only_on == dialect_name
    return include
