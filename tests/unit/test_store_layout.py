"""The Redis key layout is written once, in service/store/keys.py, for Python and Lua alike."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.store.keys import KEYS, PREFIX, TEMPLATES, Keys, lua_prelude
from service.store.scripts import COMMON_ARGS, LUA_DIR, source

STORE_DIR = Path(__file__).resolve().parents[2] / "service" / "store"


def test_a_key_is_the_prefix_and_its_template():
    assert KEYS.claim("c_1") == PREFIX + "claim:c_1"
    assert KEYS.claim_history("c_1") == PREFIX + "claim:c_1:history"
    assert KEYS.queue_pending == PREFIX + "queue:pending"
    assert Keys("test:").webhook_queue("wh_1") == "test:webhook:wh_1:queue"


def test_a_key_family_refuses_the_wrong_number_of_parts():
    with pytest.raises(TypeError):
        KEYS.claim()
    with pytest.raises(AttributeError):
        KEYS.no_such_family  # noqa: B018


def test_the_lua_prelude_defines_every_family_once():
    prelude = lua_prelude()
    for name in TEMPLATES:
        assert len(re.findall(rf"^K\.{name} = ", prelude, flags=re.M)) == 1


def test_no_lua_script_spells_a_key():
    # Templates with a ':' ("queue:pending", "claim:{id}"); one-word ones ("events") are also
    # hash field names, which scripts do spell.
    literals = {template.split("{")[0] for template in TEMPLATES.values() if ":" in template}
    for path in LUA_DIR.glob("*.lua"):
        text = path.read_text()
        assert "p .. '" not in text, path.name
        for literal in literals:
            assert f"'{literal}" not in text, (path.name, literal)


def test_numbers_reach_the_scripts_as_arguments_not_text():
    text = source("transition", ("claims",)) + source("record_attempt", ("webhooks",))
    assert not {"1000000", "0.3", "9999", "50"} & set(re.findall(r"[\d.]+", text))
    assert all(f"local {name} = ARGV[" in text for name in COMMON_ARGS)


def test_only_the_key_table_spells_the_prefix():
    for path in STORE_DIR.glob("*.py"):
        if path.name != "keys.py":
            assert '"ct:' not in path.read_text() and "'ct:" not in path.read_text(), path.name

