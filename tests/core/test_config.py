import pytest

from aap import create_app
from aap.config import ConfigurationError, database_url

PRODUCTION = {"AAP_ENV": "production", "SECRET_KEY": "x" * 40, "AUDIT_KEY": "a" * 40,
              "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://aap@db/aap", "REDIS_URL": "redis://redis:6379/0",
              "SMTP_URL": "smtp+starttls://aap:secret@mail:587", "PUBLIC_URL": "https://aap.example.org",
              "CONTACT_EMAIL": "accessibilite@aap.example.org",
              "AUTHORITY_NAME": "Plaine Commune", "AUTHORITY_SIRET": "20005478100006"}


@pytest.mark.parametrize("key, value, message", [
    ("SECRET_KEY", None, "SECRET_KEY doit être défini"),
    ("AUDIT_KEY", None, "AUDIT_KEY doit être défini"),
    ("AUDIT_KEY", "court", "AUDIT_KEY doit être défini"),
    ("AUDIT_KEY", "x" * 40, "AUDIT_KEY doit différer de SECRET_KEY"),
    ("SQLALCHEMY_DATABASE_URI", "sqlite:///instance/aap.sqlite3", "DATABASE_URL doit désigner une base PostgreSQL"),
    ("REDIS_URL", None, "REDIS_URL doit désigner un serveur Redis"),
    ("SMTP_URL", None, "SMTP_URL doit désigner un serveur SMTP"),
    ("PUBLIC_URL", "http://aap.example.org", "PUBLIC_URL doit être l'adresse publique en https://"),
    ("CONTACT_EMAIL", None, "CONTACT_EMAIL doit être l'adresse où le public écrit au service"),
    ("AUTHORITY_NAME", None, "AUTHORITY_NAME doit être le nom officiel"),
    ("AUTHORITY_SIRET", None, "AUTHORITY_SIRET doit être le SIRET de la collectivité"),
    ("AUTHORITY_SIRET", "20005478100007", "AUTHORITY_SIRET doit être le SIRET de la collectivité"),
])
def test_production_refuses_development_defaults_and_says_why(key, value, message):
    with pytest.raises(ConfigurationError, match=message):
        create_app({**PRODUCTION, key: value})


def test_production_starts_with_real_services_and_sends_hsts():
    app = create_app(PRODUCTION)
    response = app.test_client().get("/accessibilite")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_has_no_totp_code_command():
    app = create_app(PRODUCTION)
    assert "totp-code" not in app.cli.commands["aap"].commands
    assert "totp-code" in create_app({"AAP_ENV": "test"}).cli.commands["aap"].commands


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigurationError, match="AAP_ENV='staging' inconnu"):
        create_app({"AAP_ENV": "staging"})


@pytest.mark.parametrize("raw, expected", [
    ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_url_spellings(raw, expected):
    assert database_url(raw) == expected


def test_development_secret_key_is_generated_once_under_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    from flask import Flask

    from aap.config import load_config

    first, second = Flask("a", instance_path=str(tmp_path)), Flask("b", instance_path=str(tmp_path))
    load_config(first, {"AAP_ENV": "development"})
    load_config(second, {"AAP_ENV": "development"})
    assert len(first.config["SECRET_KEY"]) >= 48
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_development_audit_key_is_generated_once_under_instance_and_tests_share_a_fixed_one(tmp_path, monkeypatch):
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    from flask import Flask

    from aap.config import TEST_AUDIT_KEY, load_config

    first, second, test = (Flask(name, instance_path=str(tmp_path)) for name in "abc")
    load_config(first, {"AAP_ENV": "development"})
    load_config(second, {"AAP_ENV": "development"})
    load_config(test, {"AAP_ENV": "test"})
    assert len(first.config["AUDIT_KEY"]) >= 48 and first.config["AUDIT_KEY"] != first.config["SECRET_KEY"]
    assert first.config["AUDIT_KEY"] == second.config["AUDIT_KEY"] == (tmp_path / "audit_key").read_text()
    assert (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600
    assert test.config["AUDIT_KEY"] == TEST_AUDIT_KEY
