import redis

from aap.core.formatting import date_time, money, short_date
from tests import factories


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_session_cookie_is_http_only_and_same_site(client):
    client.get("/connexion")
    client.post("/langue", data={"locale": "en"})
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_every_form_is_protected_against_csrf(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/connexion", data={"email": "a@example.org", "password": "x"})
        assert refused.status_code == 400 and "Le formulaire a expiré" in refused.page
        page = client.get("/connexion").text
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        accepted = client.post("/connexion", data={"email": "a@example.org", "password": "x", "csrf_token": token})
        assert accepted.status_code == 200 and "Adresse e-mail ou mot de passe incorrect." in accepted.page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_answers_503_when_redis_is_down(client, app):
    working = app.extensions["aap_redis"]
    app.extensions["aap_redis"] = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    try:
        response = client.get("/healthz")
    finally:
        app.extensions["aap_redis"] = working
    assert response.status_code == 503 and response.json["redis"] == "error" and response.json["database"] == "ok"


def test_accessibility_statement_is_linked_from_every_page(client):
    for path in ("/", "/connexion", "/inscription", "/accessibilite", "/page-inconnue"):
        assert 'href="/accessibilite"' in client.get(path).text


def test_pages_have_a_skip_link_and_landmarks(client):
    page = client.get("/connexion").text
    assert '<a class="skip-link" href="#contenu">' in page
    for landmark in ('<header', '<nav class="main-nav" aria-label=', '<main id="contenu"', '<footer'):
        assert landmark in page


def test_error_summary_links_each_field(client):
    page = client.post("/connexion", data={"email": "", "password": ""}).text
    assert 'class="error-summary" role="alert"' in page
    assert 'href="#email"' in page and 'href="#password"' in page
    assert 'aria-describedby="email-error"' in page


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404 and "Cette page n'existe pas" in response.page


def test_language_switch_only_redirects_within_the_site(client):
    assert client.post("/langue", data={"locale": "en", "next": "https://evil.example/"}).location == "/"
    assert client.post("/langue", data={"locale": "en", "next": "/connexion"}).location == "/connexion"


def test_amounts_dates_and_times_in_french_formats(app):
    from datetime import date, datetime, timezone

    with app.test_request_context():
        # French typography: narrow no-break space between thousands, no-break space before the sign
        assert money(120000) == "120\u202f000\u00a0€"
        assert money(1234.5) == "1\u202f234,50\u00a0€"
        assert short_date(date(2021, 9, 30)) == "30/09/2021"
        assert date_time(datetime(2021, 9, 30, 22, 30, tzinfo=timezone.utc)) == "01/10/2021 00:30"


def test_user_input_is_escaped_in_pages(client):
    user = factories.make_user(full_name='<script>alert("x")</script>')
    client.login(user)
    page = client.get("/compte").text
    assert '<script>alert("x")</script>' not in page and "&lt;script&gt;" in page
