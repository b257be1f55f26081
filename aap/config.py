"""Configuration read from the environment, checked before the app serves anything."""
import os
import secrets
from pathlib import Path

from flask import Flask
from limits import parse_many
from stdnum.fr import siret

ENVIRONMENTS = ("development", "test", "production")


class ConfigurationError(RuntimeError):
    pass


#: rate limits in Flask-Limiter's notation, each one overridable by an environment variable of that name
RATE_LIMITS = {
    "LOGIN_LIMIT": "5 per 15 minutes",  # one account from one browser (or one address, for a new browser)
    "LOGIN_ACCOUNT_LIMIT": "20 per hour",  # one account from all the browsers it never signed in with
    "LOGIN_ADDRESS_LIMIT": "100 per 15 minutes",  # one address, any account, new browsers
    "TWO_FACTOR_LIMIT": "5 per 15 minutes",  # codes for one account
    "MAIL_RECIPIENT_LIMIT": "5 per hour;20 per day",  # mails that a visitor's request sends to one address
    "MAIL_SENDER_LIMIT": "20 per hour;100 per day",  # mails sent on the request of one account or address
    "MESSAGE_LIMIT": "30 per hour;200 per day",  # dossier messages (each one mailed) by one author
    "ASSIGNMENT_LIMIT": "100 per hour;500 per day",  # assignments by hand or confirmations (mailed) by one person
    "PACK_LIMIT": "10 per hour;30 per day",  # preparation packs one person asks for: each is a PDF a worker builds
    "CONVOCATION_LIMIT": "20 per hour;100 per day",  # committee convocations, updates, cancellations by one person
}


def _count(raw: str, name: str) -> int:
    if not raw.strip().isdigit():
        raise ConfigurationError(f"{name}={raw!r} : indiquer un nombre entier positif ou nul.")
    return int(raw)


def database_url(raw: str) -> str:
    """Accept the usual postgres:// spellings and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


#: a SIRET with a valid checksum for development and tests; production names its own (AUTHORITY_SIRET)
DEVELOPMENT_SIRET = "20005478100006"

#: the audit key of the test suite and of the worker processes it starts, so that their chains agree
TEST_AUDIT_KEY = "test-audit-key-shared-by-the-suite-and-its-workers"


def _development_secret(instance: Path, name: str = "secret_key") -> str:
    path = instance / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(app: Flask, overrides: dict | None = None) -> None:
    overrides = dict(overrides or {})
    env = overrides.get("AAP_ENV") or os.environ.get("AAP_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigurationError(f"AAP_ENV={env!r} inconnu : choisir parmi {', '.join(ENVIRONMENTS)}.")
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    secret = os.environ.get("SECRET_KEY")
    if not secret and env != "production":
        secret = _development_secret(instance) if env == "development" else secrets.token_urlsafe(32)
    audit_key = os.environ.get("AUDIT_KEY")
    if not audit_key and env != "production":
        audit_key = _development_secret(instance, "audit_key") if env == "development" else TEST_AUDIT_KEY
    production = env == "production"
    app.config.update(
        AAP_ENV=env,
        SECRET_KEY=secret,
        SQLALCHEMY_DATABASE_URI=database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'aap.sqlite3'}"
        ),
        REDIS_URL=os.environ.get("REDIS_URL") or None,
        SMTP_URL=os.environ.get("SMTP_URL") or None,
        MAIL_FROM=os.environ.get("MAIL_FROM", "Appels à projets <ne-pas-repondre@localhost>"),
        #: where people write to the service, for instance to report an accessibility barrier
        CONTACT_EMAIL=os.environ.get("CONTACT_EMAIL") or (None if production else "contact@localhost"),
        #: the authority that awards the grants, as the open data names it (SCDL « subventions »: nom/idAttribuant)
        AUTHORITY_NAME=os.environ.get("AUTHORITY_NAME") or (None if production else "Plaine Commune"),
        AUTHORITY_SIRET=os.environ.get("AUTHORITY_SIRET") or (None if production else DEVELOPMENT_SIRET),
        PUBLIC_URL=os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        EMBEDDED_REDIS_PATH=str(instance / "redis.db"),
        UPLOAD_FOLDER=os.environ.get("UPLOAD_FOLDER") or None,
        AUDIT_KEY=audit_key,
        AUDIT_CHECKPOINT_FILE=os.environ.get("AUDIT_CHECKPOINT_FILE") or str(instance / "audit-checkpoints.log"),
        MAX_PIECES_PER_DOSSIER=int(os.environ.get("MAX_PIECES_PER_DOSSIER", "40")),
        MAX_DOSSIER_BYTES=int(os.environ.get("MAX_DOSSIER_BYTES", str(100 * 1024 * 1024))),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        REMEMBER_COOKIE_SECURE=production,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="fr",
        BABEL_DEFAULT_TIMEZONE="Europe/Paris",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        TRUSTED_PROXIES=_count(os.environ.get("TRUSTED_PROXIES", "0"), "TRUSTED_PROXIES"),
        RATELIMIT_STORAGE_URI="aap-redis://",
        RATELIMIT_STRATEGY="moving-window",
        **{name: os.environ.get(name, default) for name, default in RATE_LIMITS.items()},
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
    )
    app.config.update(overrides)
    _check_rate_limits(app.config)
    if production:
        check_production(app.config)


def _check_rate_limits(config) -> None:
    for name in RATE_LIMITS:
        try:
            parse_many(config[name])
        except ValueError:
            raise ConfigurationError(f"{name}={config[name]!r} : écrire par exemple « 5 per 15 minutes ».") from None


def check_production(config) -> None:
    """Refuse to serve real users with the development defaults, and say which ones."""
    problems = []
    if not config.get("AUDIT_KEY") or len(config["AUDIT_KEY"]) < 32:
        problems.append("AUDIT_KEY doit être défini (32 caractères au moins), hors de la base : il scelle le "
                        "journal des dossiers.")
    elif config["AUDIT_KEY"] == config.get("SECRET_KEY"):
        problems.append("AUDIT_KEY doit différer de SECRET_KEY.")
    if not config.get("SECRET_KEY") or len(config["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY doit être défini (32 caractères au moins).")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        problems.append("DATABASE_URL doit désigner une base PostgreSQL, pas le fichier SQLite de développement.")
    if not config.get("REDIS_URL"):
        problems.append("REDIS_URL doit désigner un serveur Redis : le Redis embarqué est réservé au développement.")
    if not config.get("SMTP_URL"):
        problems.append("SMTP_URL doit désigner un serveur SMTP : la boîte de développement n'envoie rien.")
    if not config.get("CONTACT_EMAIL"):
        problems.append("CONTACT_EMAIL doit être l'adresse où le public écrit au service "
                        "(déclaration d'accessibilité).")
    if not config.get("AUTHORITY_NAME"):
        problems.append("AUTHORITY_NAME doit être le nom officiel de la collectivité qui attribue les subventions.")
    if not siret.is_valid(config.get("AUTHORITY_SIRET") or ""):
        problems.append("AUTHORITY_SIRET doit être le SIRET de la collectivité (14 chiffres, clé de contrôle "
                        "valide) : les données ouvertes des subventions le publient.")
    if not config.get("PUBLIC_URL", "").startswith("https://"):
        problems.append("PUBLIC_URL doit être l'adresse publique en https:// du service.")
    if problems:
        raise ConfigurationError(
            "Démarrage refusé en production :\n- " + "\n- ".join(problems)
        )
