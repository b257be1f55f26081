"""Pages read with the Content-Security-Policy enforced: nothing the site sends is blocked by its own policy."""
import itertools
import json

import pytest

from tests import factories
from tests.browser.conftest import AXE_SOURCE, AXE_TAGS
from tests.browser.test_workflow import sign_in

pytestmark = pytest.mark.browser
COUNTER = itertools.count(1)


class EnforcedPolicyAudit:
    """axe on each page, given through the browser's debugging channel, which the page's policy does not govern."""

    def __init__(self, page):
        self.page = page

    def __call__(self):
        self.page.wait_for_load_state()
        self.page.evaluate(AXE_SOURCE)
        result = self.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        problems = [{"rule": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
        assert problems == [], f"axe violations on {self.page.url}:\n{json.dumps(problems, indent=2)}"


@pytest.fixture
def enforced(browser, live_app):
    """A page whose context keeps the site's CSP, with every console error and policy violation recorded."""
    context = browser.new_context(base_url=live_app.base_url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.audit = EnforcedPolicyAudit(page)
    yield page
    context.close()


def test_the_bulk_preview_keeps_its_line_breaks_under_the_site_policy(enforced, live_app):
    suffix = next(COUNTER)
    with live_app.app_context():
        admin = factories.make_user(email=f"admin.csp{suffix}@example.org", roles=("admin",), totp=True)
        call = factories.make_open_call(title=f"Appel CSP {suffix}")
        holder = factories.make_user(email=f"porteuse.csp{suffix}@example.org", full_name="Awa Diallo")
        factories.make_dossier(call, factories.make_organisation(members=[holder]), holder)
        email, secret, call_label = admin.email, admin.totp_secret, str(call)
    page = enforced
    sign_in(page, email, secret)
    page.goto("/admin/messages/nouveau")
    page.audit()
    page.get_by_label("Destinataires").select_option("holders")
    page.get_by_label("Appel à projets").select_option(label=call_label)
    page.get_by_label("Objet").fill("Réunion d'information")
    page.get_by_label("Message").fill("Première ligne\nDeuxième ligne")
    page.get_by_role("button", name="Prévisualiser").click()
    page.audit()
    frame = page.frame_locator("iframe[title='Aperçu du courriel au format HTML']")
    body = frame.get_by_text("Première ligne")
    assert body.evaluate("node => getComputedStyle(node).whiteSpace") == "pre-line"
    assert body.inner_text() == "Première ligne\nDeuxième ligne"  # two lines, as in the mail
    assert page.errors == []
