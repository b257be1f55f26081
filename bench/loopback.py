"""For the benches that drive a real server on loopback: gunicorn started and watched, and a person's browser
(cookies, one kept-alive connection, signing in through the login and code forms)."""
import http.client
import os
import re
import resource
import socket
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pyotp

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: what a failed exchange raises: the connection, the HTTP framing, or an unexpected answer
FAILURES = (OSError, http.client.HTTPException, RuntimeError)


class Browser:
    """One person's cookies and connection; the connection is opened again when the server closed it."""

    def __init__(self, port: int):
        self.port, self.cookies, self.connection = port, {}, None

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        """(status, headers, body) of one exchange; redirects are not followed."""
        headers = {"User-Agent": "aap-bench", "Accept-Language": "fr", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            reused = self.connection is not None
            self.connection = self.connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if reused and attempt == 1:  # the server closed an idle connection: a browser opens a new one
                    continue
                raise
            if response.will_close:
                self.close()
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            return response.status, response.headers, data

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _keep_cookies(self, lines: list[str]) -> None:
        for line in lines:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


def timed(request, *args, **kwargs):
    """(milliseconds, answer) of one call, from the request sent to the body read."""
    started = time.perf_counter()
    answer = request(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, answer


def csrf_token(page: bytes) -> str:
    found = CSRF.search(page.decode())
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def sign_in(browser: Browser, email: str, password: str, totp_secret: str) -> None:
    """The login form, then the code form, each with its CSRF token, as a person fills them."""
    _, _, page = browser.request("GET", "/connexion")
    status, headers, _ = browser.request("POST", "/connexion", {
        "csrf_token": csrf_token(page), "email": email, "password": password})
    if status != 302 or not headers["Location"].endswith("/connexion/code"):
        raise RuntimeError(f"{email}: the login form answered {status}")
    _, _, page = browser.request("GET", "/connexion/code")
    status, _, _ = browser.request("POST", "/connexion/code", {
        "csrf_token": csrf_token(page), "code": pyotp.TOTP(totp_secret).now()})
    if status != 302:
        raise RuntimeError(f"{email}: the code form answered {status}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(root: Path, environment: dict, workers: int, threads: int, log: str) -> tuple[subprocess.Popen, int]:
    """`gunicorn wsgi:app` on a free loopback port, once /healthz answers 200 and every worker is up."""
    port = free_port()
    with open(log, "w") as output:
        server = subprocess.Popen([str(root / ".venv/bin/gunicorn"), "--workers", str(workers), "--threads",
                                   str(threads), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                                  cwd=root, env={**os.environ, **environment, "PUBLIC_URL": f"http://127.0.0.1:{port}"},
                                  stdout=output, stderr=subprocess.STDOUT)
    give_up = time.monotonic() + 60
    while time.monotonic() < give_up and server.poll() is None:
        try:
            if Browser(port).request("GET", "/healthz")[0] == 200 and len(worker_pids(server)) == workers:
                return server, port
        except FAILURES:
            pass
        time.sleep(0.2)
    server.terminate()
    server.wait(timeout=30)
    raise RuntimeError("gunicorn did not start: " + Path(log).read_text()[-2000:])


def worker_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def cpu_seconds(pids: list[int]) -> float:
    """User and system time of these processes (gunicorn's workers), from /proc."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """User and system time of this process, all its threads (the bench's clients)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
