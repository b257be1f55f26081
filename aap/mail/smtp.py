"""SMTP_URL: smtp://host:port, smtp+starttls://user:password@host:587, smtps://user:password@host:465."""
import functools
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import Message
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


class SmtpConnection:
    """One connection for a batch of mails, checked with NOOP after a pause and reopened if dropped.

    Nothing is ever sent twice on a reconnection: a mail is only retried by its own next attempt.
    """

    #: a connection idle for longer than this is checked before reuse; servers drop idle ones after minutes
    IDLE_CHECK_SECONDS = 5

    def __init__(self, settings: SmtpSettings, timeout: float = 30):
        self.settings, self.timeout, self.client, self.last_used = settings, timeout, None, 0.0
        #: why the server could not be reached: the rest of the batch fails at once instead of waiting again
        self.open_error: OSError | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _open(self) -> smtplib.SMTP:
        settings = self.settings
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=self.timeout, context=_tls_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=self.timeout)
        try:
            if settings.security == "starttls":
                client.starttls(context=_tls_context())
            if settings.username:
                client.login(settings.username, settings.password or "")
        except BaseException:
            client.close()
            raise
        return client

    def send(self, message: Message) -> None:
        if self.client is not None and time.monotonic() - self.last_used > self.IDLE_CHECK_SECONDS:
            try:
                self.client.noop()
            except OSError:  # the server closed an idle connection: open a new one
                self.close()
        if self.open_error is not None:
            raise self.open_error
        if self.client is None:
            try:
                self.client = self._open()
            except OSError as error:
                self.open_error = error
                raise
        try:
            self.client.send_message(message)
            self.last_used = time.monotonic()
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException):
            raise  # the server answered: the connection stays usable for the next mail
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.quit()
            except OSError:
                client.close()

