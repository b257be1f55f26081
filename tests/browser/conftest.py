"""A live server on a file database, Debian chromium through Playwright, and axe on every page."""
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from aap.core import jobs
from aap.core.queue import get_queue, get_redis
from tests.conftest import build_test_app
from tests.services import free_port, unavailable

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    return os.environ.get("AAP_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, redis_server, smtp_server):
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite3'}"
    app = build_test_app(url, redis_server.url, SMTP_URL=smtp_server.url, WTF_CSRF_ENABLED=True, TESTING=False)
    port = free_port()
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.base_url = app.config["PUBLIC_URL"]
    yield app
    server.shutdown()


@pytest.fixture
def live_worker(live_app):
    """drain() runs the queued jobs of the live app now, as `aap worker --burst` would."""
    from rq import SimpleWorker

    class Drain:
        def drain(self):
            jobs.bind_app(live_app)
            with live_app.app_context():
                queue = get_queue()
                SimpleWorker([queue], connection=get_redis()).work(burst=True, logging_level="WARNING")

    get_redis(live_app).flushdb()
    return Drain()


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        unavailable("BROWSER", "browser tests skipped: Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


class AccessibilityAudit:
    """Runs axe on the current page; at the end, every page that loaded must have been audited."""

    def __init__(self, page):
        self.page = page
        self.loaded: list[str] = []
        self.audited: set[str] = set()
        page.on("load", lambda loaded: self.loaded.append(loaded.url))

    def __call__(self):
        self.page.wait_for_load_state()
        self.page.add_script_tag(content=AXE_SOURCE)
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        problems = [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
                     "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
        assert problems == [], f"axe violations on {self.page.url}:\n{json.dumps(problems, indent=2)}"
        self.audited.add(self.page.url)

    def assert_every_page_audited(self):
        missing = [url for url in self.loaded if url not in self.audited]
        assert missing == [], f"pages visited without an axe audit: {missing}"


@pytest.fixture
def page(browser, live_app):
    context = browser.new_context(base_url=live_app.base_url, bypass_csp=True, locale="fr-FR",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.audit = AccessibilityAudit(page)
    yield page
    page.audit.assert_every_page_audited()
    context.close()


class Audit:
    """axe on the page as it is now (given through the debugging channel, which the page's CSP does not govern);
    at the end, every page loaded must have been audited, and the site's scripts must have run without an error."""

    def __init__(self, page):
        self.page, self.loaded, self.audited, self.errors = page, [], set(), []
        page.on("load", lambda loaded: self.loaded.append(loaded.url))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def __call__(self):
        self.page.wait_for_load_state()
        self.page.evaluate(AXE_SOURCE)
        result = self.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        problems = [{"rule": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
        assert problems == [], f"axe violations on {self.page.url}:\n{json.dumps(problems, indent=2)}"
        self.audited.add(self.page.url)

    def finish(self):
        assert [url for url in self.loaded if url not in self.audited] == [], "pages visited without an axe audit"
        assert self.errors == [], f"script errors or CSP violations: {self.errors}"


@pytest.fixture
def browsers(browser, live_app):
    """open() gives a page in a browser context of its own, with the site's CSP enforced."""
    pages = []

    def open_page():
        context = browser.new_context(base_url=live_app.base_url, locale="fr-FR",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.audit = Audit(page)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.audit.finish()
        page.context.close()
