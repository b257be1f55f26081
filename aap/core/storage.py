"""Uploaded files: checked by content, stored outside the web root under a random key, with a checksum.

Everything goes through Storage so that an S3-compatible store can replace the local folder.
"""
import hashlib
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app, send_file
from flask_babel import gettext as _

from aap.core.filetypes import EXTENSIONS, ArchiveRefused, sniff

MAX_BYTES = 10 * 1024 * 1024


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class StoredFile:
    key: str
    name: str
    size: int
    sha256: str
    content_type: str

    def as_dict(self) -> dict:
        return asdict(self)


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

    def save(self, stream, filename: str) -> StoredFile:
        key = secrets.token_hex(20)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with open(target, "wb") as out:
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    out.close()
                    target.unlink()
                    raise UploadRefused(_("Le fichier dépasse la taille maximale de %(n)d Mo.",
                                          n=MAX_BYTES // (1024 * 1024)))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            target.unlink()
            raise UploadRefused(_("Le fichier est vide."))
        try:
            content_type = sniff(target)
        except ArchiveRefused as refusal:
            target.unlink()
            raise UploadRefused(str(refusal)) from None
        if content_type is None:
            target.unlink()
            raise UploadRefused(_("Ce type de fichier n'est pas accepté : envoyez un PDF, une image PNG ou JPEG, "
                                  "ou un document ODT, ODS, DOCX ou XLSX."))
        return StoredFile(key, safe_name(filename, content_type), size, digest.hexdigest(), content_type)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def open(self, key: str):
        return open(self.path(key), "rb")


def storage() -> LocalStorage:
    return LocalStorage(Path(current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads"))


def receive(field) -> StoredFile | None:
    """Store the file sent in a form's file field; None when none was sent or it was refused (reason on the field)."""
    upload = field.data
    if not upload or not getattr(upload, "filename", None):
        return None
    try:
        return storage().save(upload.stream, upload.filename)
    except UploadRefused as refusal:
        field.errors = [*field.errors, str(refusal)]
        return None


def download_response(stored: StoredFile):
    """A stored file sent as an attachment that a browser never renders, whatever its content."""
    response = send_file(storage().open(stored.key), mimetype=stored.content_type, as_attachment=True,
                         download_name=stored.name, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
