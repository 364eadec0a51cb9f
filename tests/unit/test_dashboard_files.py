"""The dashboard's static files: every module preloaded, no HTML parsing of API text."""
from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "service" / "dashboard" / "static"
MODULES = sorted(p.relative_to(STATIC / "js").as_posix() for p in (STATIC / "js").rglob("*.js"))


def test_every_module_is_preloaded_with_the_page():
    index = (STATIC / "index.html").read_text()
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/ui/js/([^"]+)">', index))
    assert '<script type="module" src="/ui/js/main.js"></script>' in index
    assert preloaded == set(MODULES) - {"main.js"}


def test_no_module_turns_strings_into_markup():
    # API text (titles, claims, articles) must only ever land as text nodes.
    forbidden = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function")
    offenders = [name for name in MODULES if forbidden.search((STATIC / "js" / name).read_text())]
    assert offenders == []


def test_the_page_has_no_inline_script_or_style():
    index = (STATIC / "index.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", index)
    assert not re.search(r"<style|\sstyle=|\son[a-z]+=", index)
