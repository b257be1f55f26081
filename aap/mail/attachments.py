"""Files joined to a mail, made at delivery by a builder that a domain registers by name.

A mail stores only what names its files ({"builder", "args", "filename", "mimetype"}), so the outbox keeps
plain JSON and knows nothing of the domains above it: the committee registers how to make a session's
invitation and agenda, and the worker asks for them when it sends.
"""
from collections.abc import Callable
from dataclasses import dataclass

#: name → function(**args) → bytes
BUILDERS: dict[str, Callable[..., bytes]] = {}


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: bytes


def attachment_builder(name: str):
    """Name a function that makes a file from JSON arguments; the domain that owns it lists it."""
    def describe(build):
        build.attachment_builder = name
        return build

    return describe


def register_builders(builders) -> None:
    for build in builders:
        BUILDERS[build.attachment_builder] = build


def attachment(builder: str, filename: str, mimetype: str, **args) -> dict:
    """What a mail stores for one file; refused here, where the bug is, for a builder nobody registered."""
    if builder not in BUILDERS:
        raise ValueError(f"pièce jointe de courriel inconnue : {builder}")
    return {"builder": builder, "args": args, "filename": filename, "mimetype": mimetype}


def build_all(stored: list[dict]) -> list[Attachment]:
    """Make every file of a mail now; a builder's error fails the delivery and is recorded on the mail."""
    files = []
    for item in stored or ():
        build = BUILDERS.get(item["builder"])
        if build is None:
            raise KeyError(f"pièce jointe « {item['builder']} » : aucun module ne la fabrique")
        files.append(Attachment(item["filename"], item["mimetype"], build(**item["args"])))
    return files
