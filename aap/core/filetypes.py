"""What a stored file is, told by its content and never by its name, reading only a few hundred bytes of it.

Office documents are zip archives: their central directory is measured before it is read, and the one
member whose content counts (an OpenDocument's `mimetype`) is read only if it is stored or deflated,
and only its first bytes. Nothing is inflated beyond that, so a zip bomb costs what its first bytes cost.
"""
import struct
import zipfile
import zlib
from pathlib import Path

from flask_babel import gettext as _

#: what we accept, recognised by the first bytes of the file, never by its name
SIGNATURES = {
    "application/pdf": [b"%PDF-"],
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/jpeg": [b"\xff\xd8\xff"],
}
OFFICE_TYPES = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", **OFFICE_TYPES}
#: a real document has a few dozen entries; a thousand would already be a very large spreadsheet
MAX_ZIP_ENTRIES = 1000
#: the central directory is read whole by zipfile: bounded before it is
MAX_CENTRAL_DIRECTORY = 256 * 1024
#: the longest `mimetype` above is 71 bytes
MIMETYPE_BYTES = 100
END_OF_DIRECTORY = struct.Struct("<4s4H2LH")
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_END = struct.Struct("<4sQ2H2L4Q")
#: the end record is the last 22 bytes, followed by a comment of at most 65535 bytes
TAIL = END_OF_DIRECTORY.size + 0xFFFF


class ArchiveRefused(ValueError):
    """An archive that no office suite writes: too many entries, or a member packed to be inflated."""


def sniff(path: Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(16)
        for content_type, signatures in SIGNATURES.items():
            if any(head.startswith(signature) for signature in signatures):
                return content_type
        if head.startswith(b"PK\x03\x04"):
            return _office_type(handle)
    return None


def _office_type(handle) -> str | None:
    try:
        entries, directory_size = _directory_size(handle)
        if entries > MAX_ZIP_ENTRIES or directory_size > MAX_CENTRAL_DIRECTORY:
            raise _too_many_entries()
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            return _declared_type(archive)
    except ArchiveRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, struct.error):
        return None  # damaged, encrypted or in an unknown format: not a document we accept


def _too_many_entries() -> ArchiveRefused:
    return ArchiveRefused(_("Ce fichier compressé contient plus de %(n)d éléments : ce n'est pas un document "
                            "accepté.", n=MAX_ZIP_ENTRIES))


def _declared_type(archive: zipfile.ZipFile) -> str | None:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _too_many_entries()
    names = {info.filename: info for info in infos}
    if "mimetype" in names:
        return _read_mimetype(archive, names["mimetype"])
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _read_mimetype(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """OpenDocument stores its `mimetype` uncompressed; bzip2 and lzma would inflate a whole block at once."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.file_size > MIMETYPE_BYTES:
        raise ArchiveRefused(_("Ce fichier compressé n'a pas la forme d'un document ODT ou ODS : il n'est pas "
                               "accepté."))
    with archive.open(info) as member:
        declared = member.read(MIMETYPE_BYTES).decode("ascii", "replace").strip()
    return declared if declared in OFFICE_TYPES else None


def _directory_size(handle) -> tuple[int, int]:
    """The number of entries and the size of the central directory, as the archive's end record gives them."""
    handle.seek(0, 2)
    length = handle.tell()
    handle.seek(max(0, length - TAIL))
    tail = handle.read()
    start = tail.rfind(b"PK\x05\x06")
    if start < 0 or len(tail) - start < END_OF_DIRECTORY.size:
        raise zipfile.BadZipFile("no end of central directory")
    fields = END_OF_DIRECTORY.unpack_from(tail, start)
    entries, directory_size = fields[4], fields[5]
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:  # the real numbers are in the zip64 end record
        locator = ZIP64_LOCATOR.unpack_from(tail, max(0, start - ZIP64_LOCATOR.size))
        if start < ZIP64_LOCATOR.size or locator[0] != b"PK\x06\x07":
            raise zipfile.BadZipFile("no zip64 locator")
        handle.seek(locator[2])
        record = ZIP64_END.unpack(handle.read(ZIP64_END.size))
        if record[0] != b"PK\x06\x06":
            raise zipfile.BadZipFile("no zip64 end record")
        entries, directory_size = record[7], record[8]
    return entries, directory_size
