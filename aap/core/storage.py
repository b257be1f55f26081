"""Uploaded files: checked by content, stored outside the web root under a random key, with a checksum.

Everything goes through Storage so that an S3-compatible store can replace the local folder. A file is
written under a temporary name and renamed only once it is complete and accepted; a file written during
a transaction that rolls back is deleted, and so is a row's file once the row's deletion is committed.
"""
import errno
import hashlib
import logging
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app, send_file
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from aap.core.filetypes import EXTENSIONS, ArchiveRefused, sniff
from aap.extensions import db

log = logging.getLogger(__name__)
MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024
#: files written in this session's transaction: deleted if it rolls back
_WRITTEN = "aap_files_written"
#: files of rows deleted in this session's transaction: deleted once it commits
_RELEASED = "aap_files_released"
PARTIAL_PREFIX = ".partiel-"


class UploadRefused(ValueError):
    pass


class StorageUnavailable(UploadRefused):
    """The file was fine, but the disk (or the store) could not take it."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    name: str
    size: int
    sha256: str
    content_type: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Room:
    """How many bytes a new file may take where it goes, and what to say when it takes more."""
    bytes: int
    refusal: str


def safe_name(name: str, content_type: str) -> str:
    """Keep a readable name for the download, without any path or control character."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"/\\|?*').strip(" .") or "document"
    stem = base.rsplit(".", 1)[0][:120] or "document"
    return stem + EXTENSIONS[content_type]


class LocalStorage:
    def __init__(self, root: Path):
        self.root = root

    def path(self, key: str) -> Path:
        if not key.isalnum():
            raise UploadRefused("clé de fichier invalide")
        return self.root / key[:2] / key

    def save(self, stream, filename: str, room: Room | None = None) -> StoredFile:
        key = secrets.token_hex(20)
        target = self.path(key)
        partial = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, partial = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=target.parent)
            with os.fdopen(handle, "wb") as out:
                size, digest = _copy(stream, out, room)
                out.flush()
                os.fsync(out.fileno())
            content_type = _checked_type(Path(partial), size)
            os.replace(partial, target)
        except OSError as error:
            log.error("Fichier non enregistré dans %s : %s", self.root, error)
            raise StorageUnavailable(_("Le fichier n'a pas pu être enregistré pour le moment. Réessayez dans "
                                       "quelques minutes ; si cela continue, prévenez l'équipe.")) from None
        finally:
            if partial is not None and os.path.exists(partial):
                os.unlink(partial)
        discard_on_rollback(key)
        return StoredFile(key, safe_name(filename, content_type), size, digest, content_type)

    def keep(self, key: str, data: bytes) -> None:
        """Bytes the caller has checked itself, under a key of its own (their digest): the same bytes, the same file.

        Kept whatever the transaction, until deleted; `aap storage check` lists them once no row names them.
        """
        target = self.path(key)
        if target.exists():
            return
        partial = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, partial = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=target.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        except OSError as error:
            log.error("Fichier non enregistré dans %s : %s", self.root, error)
            raise StorageUnavailable(_("Le fichier n'a pas pu être enregistré pour le moment. Réessayez dans "
                                       "quelques minutes ; si cela continue, prévenez l'équipe.")) from None
        finally:
            if partial is not None and os.path.exists(partial):
                os.unlink(partial)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def open(self, key: str):
        return open(self.path(key), "rb")

    def files(self) -> Iterator[Path]:
        """Every file in the folder, stored or left half-written, by its path."""
        if self.root.is_dir():
            for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
                yield from sorted(p for p in folder.iterdir() if p.is_file())


def _copy(stream, out, room: Room | None) -> tuple[int, str]:
    """Copy the upload while counting it, and stop as soon as it is larger than allowed."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise UploadRefused(_("Le fichier dépasse la taille maximale de %(n)d Mo.",
                                  n=MAX_BYTES // (1024 * 1024)))
        if room is not None and size > room.bytes:
            raise UploadRefused(room.refusal)
        digest.update(chunk)
        out.write(chunk)
    return size, digest.hexdigest()


def _checked_type(path: Path, size: int) -> str:
    if size == 0:
        raise UploadRefused(_("Le fichier est vide."))
    try:
        content_type = sniff(path)
    except ArchiveRefused as refusal:
        raise UploadRefused(str(refusal)) from None
    if content_type is None:
        raise UploadRefused(_("Ce type de fichier n'est pas accepté : envoyez un PDF, une image PNG ou JPEG, "
                              "ou un document ODT, ODS, DOCX ou XLSX."))
    return content_type


def storage() -> LocalStorage:
    return LocalStorage(Path(current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads"))


def receive(field, room: Room | None = None) -> StoredFile | None:
    """Store the file sent in a form's file field; None when none was sent or it was refused (reason on the field)."""
    upload = field.data
    if not upload or not getattr(upload, "filename", None):
        return None
    try:
        if room is not None and room.bytes <= 0:
            raise UploadRefused(room.refusal)
        return storage().save(upload.stream, upload.filename, room)
    except UploadRefused as refusal:
        field.errors = [*field.errors, str(refusal)]
        return None


def download_response(stored: StoredFile):
    """A stored file sent as an attachment that a browser never renders, whatever its content."""
    response = send_file(storage().open(stored.key), mimetype=stored.content_type, as_attachment=True,
                         download_name=stored.name, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    return response


def discard_on_rollback(key: str) -> None:
    """A new file lives only if the transaction that is to point at it commits."""
    db.session.info.setdefault(_WRITTEN, []).append(key)


def release_after_commit(session: Session, key: str) -> None:
    """A row's file is deleted once the deletion of the row is committed, and kept if it rolls back."""
    session.info.setdefault(_RELEASED, []).append(key)


@event.listens_for(Session, "after_commit")
def _delete_released(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    _delete_quietly(session.info.pop(_RELEASED, []))


@event.listens_for(Session, "after_transaction_end")
def _delete_written_on_rollback(session: Session, transaction) -> None:
    if transaction.parent is None:  # after a commit both lists are empty: what is left was rolled back
        session.info.pop(_RELEASED, None)
        _delete_quietly(session.info.pop(_WRITTEN, []))


def _delete_quietly(keys: list[str]) -> None:
    """The database has spoken: a file that cannot go now is left for `aap storage check`."""
    for key in keys:
        try:
            storage().delete(key)
        except OSError as error:
            if error.errno != errno.ENOENT:
                log.warning("Fichier %s non supprimé : %s", key, error)
