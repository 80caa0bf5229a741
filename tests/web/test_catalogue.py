"""The translation catalogue: `make messages` finds every string, the committed catalogue keeps up.

The source strings are Chinese and the zh_Hans_CN catalogue leaves msgstr empty (gettext answers
the msgid), so what is checked is the pipeline: the extraction `babel.cfg` describes, a catalogue
in step with the source (no flood of missing, fuzzy or obsolete entries), a compiled `.mo` that
says what the `.po` says, and flask-babel reading it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "platform"
CATALOGUE = PLATFORM / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
# New strings land in the source before someone runs `make messages`; a few may wait, a flood
# means the catalogue is no longer maintained.
DRIFT = 60


@pytest.fixture(scope="module")
def extracted() -> dict[str, set[str]]:
    """msgid → the files it comes from, extracted as `make messages` does (babel.cfg)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        PLATFORM, method_map, options_map
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault(_key(msgid, context), set()).add(filename)
    return found


def _key(msgid: str, context: str | None) -> str:
    return f"{context}\x04{msgid}" if context else msgid


def _po():
    with (CATALOGUE / "messages.po").open("rb") as source:
        return read_po(source, locale="zh_Hans_CN")


def test_babel_cfg_patterns_match_the_files_under_platform(extracted):
    assert len(extracted) > 500
    files = {name for names in extracted.values() for name in names}
    templates = {name for name in files if name.endswith(".html")}
    python = {name for name in files if name.endswith(".py")}
    assert len(templates) > 80 and len(python) > 80
    # A module's templates, a core part's templates and the shared ones all count.
    assert any(name.startswith("modules/proposals/templates/") for name in templates)
    assert any(name.startswith("casework/templates/") for name in templates)
    assert any(name.startswith("web/templates/") for name in templates)


def test_every_gettext_form_is_extracted(extracted):
    # `_()` in a template and in Python, and `_l()` (lazy_gettext, labels built at import time).
    assert "请先登录。" in extracted  # _l in app.py
    assert any(name.endswith("app.py") for name in extracted["请先登录。"])
    lazy = [
        match.group(1)
        for path in PLATFORM.rglob("*.py")
        for match in re.finditer(r"""\b_l\(\s*"([^"\\]+)"\s*\)""", path.read_text("utf-8"))
    ]
    assert len(lazy) > 20
    assert not [msgid for msgid in lazy if msgid not in extracted]


def test_committed_catalogue_keeps_up_with_the_source(extracted):
    catalogue = _po()
    entries = {_key(message.id, message.context): message for message in catalogue if message.id}
    missing = sorted(set(extracted) - set(entries))
    stale = sorted(set(entries) - set(extracted))
    assert len(entries) > 500
    assert len(missing) <= DRIFT, (
        f"{len(missing)} strings are not in the catalogue: run `make messages`",
        missing[:20],
    )
    assert len(stale) <= DRIFT, (f"{len(stale)} entries left the source: `make messages`", stale)
    assert not [message.id for message in catalogue if message.id and message.fuzzy]
    assert not catalogue.obsolete
    assert not catalogue.fuzzy


def test_compiled_catalogue_says_what_the_po_says():
    with (CATALOGUE / "messages.mo").open("rb") as compiled:
        mo = read_mo(compiled)
    translated = {
        message.id: message.string
        for message in _po()
        if message.id and message.string and not message.fuzzy
    }
    assert {message.id: message.string for message in mo if message.id} == translated
    assert str(mo.locale) == "zh_Hans_CN"


def test_flask_babel_reads_the_committed_catalogue(app):
    from flask_babel import get_locale, get_translations, gettext

    with app.test_request_context("/"):
        translations = get_translations()
        assert str(get_locale()) == "zh_Hans_CN"
        assert str(CATALOGUE / "messages.mo") in [
            str(Path(path).resolve()) for path in getattr(translations, "files", [])
        ]
        # An identity catalogue: the Chinese source string is what the page shows.
        assert gettext("请先登录。") == "请先登录。"


def test_make_messages_uses_the_same_configuration():
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\nmessages:", 1)[1].split("\n\n", 1)[0]
    assert "-F babel.cfg" in target and " platform\n" in target + "\n"
    assert "--ignore-obsolete" in target and "--no-fuzzy-matching" in target
    assert "pybabel compile" in target


def test_the_catalogue_ships_with_the_package():
    # A production `pip install` (infra/README.md) compiles nothing: the .mo travels as data.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["*"]
    assert "translations/*/LC_MESSAGES/*" in patterns
    assert (CATALOGUE / "messages.mo").is_file() and (CATALOGUE / "messages.po").is_file()
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "platform/translations/" not in ignored
