"""The browser dashboard at `/` and the offline API reference at `/api/v1/docs`: static files
from this package, sent with headers that let them run only their own code."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, send_from_directory
from flask_smorest import abort
from werkzeug.security import safe_join

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSET_PREFIX = "/ui"


# Only the service's own files run: no inline script or style, nothing from elsewhere. The
# vendored Swagger UI (5.35) needs nothing more: checked in Chromium, it renders, authorises,
# tries requests out and expands schemas without a single CSP violation.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

# Explicit types: with nosniff, a module script served as anything but JavaScript is refused,
# and Python's own table depends on the machine (/etc/mime.types) and its version.
MEDIA_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain",
}

blp = Blueprint("dashboard", __name__)


def _send_static(relative_path: str):
    """The file under static/ with the security headers; the API's JSON 404 when absent.

    Conditional requests (ETag, Last-Modified → 304) come from send_from_directory; every
    file is sent `no-cache`, so a browser revalidates instead of keeping a stale page.
    """
    full_path = safe_join(str(STATIC_DIR), relative_path)
    if full_path is None or not Path(full_path).is_file():
        abort(404, message=f"no dashboard file {relative_path}")
    response = send_from_directory(STATIC_DIR, relative_path,
                                   mimetype=MEDIA_TYPES.get(Path(relative_path).suffix.lower()))
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.get("/")
def desk():
    return _send_static("index.html")


@blp.get(f"{ASSET_PREFIX}/<path:relative_path>")
def asset(relative_path: str):
    return _send_static(relative_path)


@blp.get("/api/v1/docs")
def api_reference():
    return _send_static("docs/index.html")


@blp.after_request
def _security_headers(response):
    # On every answer of this blueprint, the JSON 404 of a missing asset included.
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    return response


def register_dashboard(app: Flask) -> None:
    # flask-smorest would serve its own (CDN-loaded) Swagger UI at OPENAPI_SWAGGER_UI_PATH;
    # the reference here is the vendored, offline one.
    for own_ui in ("OPENAPI_SWAGGER_UI_PATH", "OPENAPI_REDOC_PATH", "OPENAPI_RAPIDOC_PATH"):
        if app.config.get(own_ui):
            raise RuntimeError(f"{own_ui} would shadow the offline API reference at /api/v1/docs")
    app.register_blueprint(blp)
