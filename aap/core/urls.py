"""Links the app builds: absolute ones for mails, and the user-given targets a redirect may follow."""
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """An absolute link for mails and the command line, which have no request to take the host from."""
    return current_app.config["PUBLIC_URL"] + current_app.url_map.bind("").build(endpoint, values)


def local_target(target: str | None, fallback: str) -> str:
    """`target` if every browser reads it as a path on this site, else `fallback`.

    Browsers drop tabs and line breaks inside a URL and read a backslash as a slash, so
    "/\\tevil.example" or "/\\\\evil.example" would lead elsewhere: such a target is refused
    rather than cleaned up.
    """
    if not target or any(ord(char) < 0x20 or char in "\\\x7f" for char in target):
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
