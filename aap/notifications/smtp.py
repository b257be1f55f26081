"""SMTP_URL: smtp://host:port, smtp+starttls://user:password@host:587, smtps://user:password@host:465."""
import functools
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

SCHEMES = {"smtp": (25, "plain"), "smtp+starttls": (587, "starttls"), "smtps": (465, "tls")}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpSettings:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(f"SMTP_URL invalide : {parts.scheme or '?'}://… attendu parmi {', '.join(SCHEMES)}")
    default_port, security = SCHEMES[parts.scheme]
    return SmtpSettings(parts.hostname, parts.port or default_port, security,
                        unquote(parts.username) if parts.username else None,
                        unquote(parts.password) if parts.password else None)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Built once per process: loading the system's certificates costs more than sending a mail."""
    return ssl.create_default_context()


def send(settings: SmtpSettings, message: EmailMessage, timeout: float = 30) -> None:
    if settings.security == "tls":
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=_tls_context())
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    with client:
        if settings.security == "starttls":
            client.starttls(context=_tls_context())
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(message)
