"""Security headers on every response."""
from flask import Flask, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
#: a small answer polled again and again (a live meeting's state): kept by the browser, revalidated by its ETag
REVALIDATED = "private, no-cache"


def init_app(app: Flask) -> None:
    production = app.config["AAP_ENV"] == "production"

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.endpoint != "static" and headers.get("Cache-Control") != REVALIDATED:
            # pages and files carry personal data: no shared cache keeps them, the back button refetches them
            headers["Cache-Control"] = "no-store"
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response
