"""Request-line and header limits the app applies itself, so that what it refuses is answered in
the one JSON error shape (414, 431) rather than by the WSGI server's own HTML page.

gunicorn is started with limits above these (`GUNICORN_LIMITS` in cli/main.py, and the same flags
in the Procfile, Dockerfile and docker-compose.yml), so a request between the two reaches the app
and is refused here; only a request past gunicorn's own limits gets gunicorn's answer."""
from __future__ import annotations

from urllib.parse import quote

from flask import Flask, request
from flask_smorest import abort

# The URL (path and query string, as sent) may be this long; gunicorn reads request lines up
# to 8190 bytes (its maximum), so a URL between the two is refused here with a JSON 414.
MAX_URL_BYTES = 4096
# One header (name, ": " and value) may be this long: gunicorn's own default for a field, so
# nothing it accepted before is refused now; gunicorn itself is started with twice that.
MAX_HEADER_BYTES = 8190
# All headers together, and how many there may be (gunicorn: 200 fields of up to 16 KB).
MAX_HEADERS_BYTES = 32 * 1024
MAX_HEADER_FIELDS = 100

def request_uri(environ: dict) -> str:
    """The request target as the client sent it (gunicorn's RAW_URI; rebuilt elsewhere)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return raw
    path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), safe="/%:@!$&'()*+,;=~-._")
    query = environ.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


def header_sizes(environ: dict) -> list[tuple[str, int]]:
    """(environ key, bytes of `Name: value`) of every request header. WSGI gives header values
    as latin-1 text, one character a byte, so a value's length is its size."""
    sizes = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            sizes.append((key, len(key) - 3 + len(value)))  # "HTTP_" goes, ": " comes
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            sizes.append((key, len(key) + 2 + len(str(value))))
    return sizes


def header_name(key: str) -> str:
    """The header's name as a client writes it, from its environ key (only for refusals)."""
    return key.removeprefix("HTTP_").replace("_", "-").title()


def check_request_size() -> None:
    """Abort with 414 for a URL over MAX_URL_BYTES, 431 for headers over the header limits."""
    environ = request.environ
    uri = request_uri(environ)
    if len(uri) > MAX_URL_BYTES:
        abort(414, message=f"the URL is {len(uri):,} bytes, over the limit of {MAX_URL_BYTES:,}",
              errors={"url": [f"at most {MAX_URL_BYTES:,} bytes"]})
    sizes = header_sizes(environ)
    too_long = [header_name(key) for key, size in sizes if size > MAX_HEADER_BYTES]
    if too_long:
        abort(431, message=f"the header {too_long[0]} is over the limit of {MAX_HEADER_BYTES:,} bytes",
              errors={name: [f"at most {MAX_HEADER_BYTES:,} bytes with its name"] for name in too_long})
    if len(sizes) > MAX_HEADER_FIELDS:
        abort(431, message=f"the request has {len(sizes)} headers, over the limit of {MAX_HEADER_FIELDS}",
              errors={"headers": [f"at most {MAX_HEADER_FIELDS} headers"]})
    total = sum(size for _key, size in sizes)
    if total > MAX_HEADERS_BYTES:
        abort(431, message=f"the headers are {total:,} bytes, over the limit of {MAX_HEADERS_BYTES:,}",
              errors={"headers": [f"at most {MAX_HEADERS_BYTES:,} bytes in all"]})


def register_size_limits(app: Flask) -> None:
    """Check sizes before anything else looks at the request (authentication, rate limits)."""
    app.before_request_funcs.setdefault(None, []).insert(0, check_request_size)
