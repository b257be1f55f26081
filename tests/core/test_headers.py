"""Security headers and cookie flags on every kind of response: page, redirect, file, PDF, CSV, JSON, error."""
from io import BytesIO

import pytest

from aap import create_app
from aap.core.permissions import allow, public
from aap.core.storage import storage
from aap.dossiers.attachments import attach
from aap.extensions import db
from aap.workflow import engine
from tests import factories
from tests.workflow.test_engine import PDF

EVERYWHERE = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
              "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Resource-Policy": "same-origin"}


def assert_secured(response, *, cached=False):
    for name, value in EVERYWHERE.items():
        assert response.headers.get(name) == value, (name, response.status_code, response.mimetype)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "Permissions-Policy" in response.headers
    assert (response.headers.get("Cache-Control") == "no-store") != cached


@pytest.fixture
def submitted(session, client):
    call = factories.make_open_call()
    holder = factories.make_user()
    organisation = factories.make_organisation(members=[holder])
    dossier = factories.make_dossier(call, organisation, holder)
    piece = attach(dossier, "autre", storage().save(BytesIO(PDF), "budget.pdf"), holder)
    engine.apply_transition(dossier.id, "submit", holder)
    db.session.commit()
    client.login(holder)
    return dossier, piece


def test_every_kind_of_response_carries_the_headers(client, submitted):
    dossier, piece = submitted
    receipt = dossier.reference and client.get(f"/dossiers/{dossier.id}").text.split("/accuses/")[1].split(".pdf")[0]
    responses = {
        "page": client.get(f"/dossiers/{dossier.id}"),
        "redirect": client.post("/langue", data={"locale": "fr", "next": "/dossiers"}),
        "file": client.get(f"/dossiers/{dossier.id}/pieces/{piece.id}"),
        "pdf": client.get(f"/dossiers/{dossier.id}/accuses/{receipt}.pdf"),
        "json": client.get("/healthz"),
        "not found": client.get("/nulle-part"),
        "refused": client.get("/admin/courriels"),
        "method": client.delete("/"),
    }
    expected = {"page": (200, "text/html"), "redirect": (302, "text/html"), "file": (200, "application/pdf"),
                "pdf": (200, "application/pdf"), "json": (200, "application/json"), "not found": (404, "text/html"),
                "refused": (403, "text/html"), "method": (405, "text/html")}
    for kind, response in responses.items():
        assert (response.status_code, response.mimetype) == expected[kind], kind
        assert_secured(response)
    # a stored file is never rendered by the browser, whatever it holds
    assert responses["file"].headers["Content-Security-Policy"] == "default-src 'none'; sandbox; frame-ancestors 'none'"
    assert responses["file"].headers["Content-Disposition"].startswith("attachment;")


def test_csv_exports_carry_the_headers(client, login_as):
    login_as("instructor")
    response = client.get("/structures/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert_secured(response)


def test_static_files_may_be_cached_and_still_carry_the_headers(client):
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert_secured(response, cached=True)


def test_a_server_error_is_a_french_page_with_the_headers(tmp_path):
    app = create_app({"AAP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                      "SECRET_KEY": "a-test-secret-key-long-enough-to-sign-anything"})

    @allow(public)
    def boom():
        raise RuntimeError("secret de la panne")

    app.add_url_rule("/panne", view_func=boom)
    response = app.test_client().get("/panne")
    assert response.status_code == 500 and "Une erreur est survenue de notre côté" in response.get_data(as_text=True)
    assert "secret de la panne" not in response.get_data(as_text=True)  # no trace of the cause for the visitor
    assert_secured(response)


def test_production_adds_hsts_and_secure_cookies(tmp_path):
    app = create_app({"AAP_ENV": "production", "SECRET_KEY": "p" * 40, "AUDIT_KEY": "q" * 40,
                      "SMTP_URL": "smtp://127.0.0.1:1",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://aap@127.0.0.1:1/aap",
                      "REDIS_URL": "redis://127.0.0.1:1/0", "PUBLIC_URL": "https://aap.example.org",
                      "CONTACT_EMAIL": "accessibilite@aap.example.org",
                      "AUTHORITY_NAME": "Plaine Commune", "AUTHORITY_SIRET": "20005478100006"})
    client = app.test_client()
    response = client.post("/langue", data={"locale": "en"}, base_url="https://aap.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert_secured(response)
    cookie = client.get_cookie("session", domain="aap.example.org")
    assert cookie is not None and cookie.secure and cookie.http_only and cookie.same_site == "Lax"
