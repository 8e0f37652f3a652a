"""The Welsh catalogue is whole, well formed and spelt right.

- Every message the code and templates mark for translation (``pybabel extract`` with ``babel.cfg``, as
  ``make translations`` runs it) has its Welsh, in every plural form, and none is fuzzy; the catalogue holds
  nothing the code no longer uses.
- Each Welsh message keeps its English's placeholders and HTML tags.
- Every Welsh word, in the catalogue and in the data (the ``cy`` text in data/reference and data/rulesets), is in
  Debian's Welsh dictionary (aspell-cy) or in the reviewed list of accepted words beside the catalogue.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from registry.domain.language import catalogue_path

ROOT = Path(__file__).resolve().parents[2]
ACCEPTED_WORDS = ROOT / "registry/translations/cy/accepted-words.txt"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")
CLITIC = re.compile(r"(\w)'(?:r|n|i|w|u|m|th|ch)\b")


def _catalogue() -> Catalog:
    with catalogue_path("cy").open("rb") as po:
        return read_po(po, locale="cy")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "lazy_gettext", "-k", "_l", "-o", str(pot), "."],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as file:
        return read_po(file)


def _strings(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _key(message: Message) -> tuple[str, str | None]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid, message.context


def test_every_marked_message_has_its_welsh(extracted: Catalog) -> None:
    welsh = {_key(message): message for message in _catalogue() if message.id}
    missing = [_key(m)[0] for m in extracted if m.id and _key(m) not in welsh]
    untranslated = [_key(m)[0] for m in extracted if m.id and _key(m) in welsh and not all(_strings(welsh[_key(m)]))]
    fuzzy = [key[0] for key, message in welsh.items() if message.fuzzy]
    assert not missing, f"{len(missing)} messages are not in the catalogue (run make translations): {missing[:10]}"
    assert not untranslated, f"{len(untranslated)} messages have no Welsh: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy[:10]}"


def test_the_catalogue_holds_nothing_unused(extracted: Catalog) -> None:
    used = {_key(message) for message in extracted if message.id}
    unused = [_key(m)[0] for m in _catalogue() if m.id and _key(m) not in used]
    assert not unused, f"{len(unused)} messages are no longer used (run make translations): {unused[:10]}"


def test_the_catalogue_has_welsh_plural_forms() -> None:
    catalogue = _catalogue()
    assert catalogue.num_plurals == 6
    for message in catalogue:
        if message.id and message.pluralizable:
            assert len(_strings(message)) == 6, message.id


def test_each_welsh_message_keeps_its_placeholders_and_tags() -> None:
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        forms = [message.id] if isinstance(message.id, str) else list(message.id)
        placeholders = set().union(*(PLACEHOLDER.findall(form) for form in forms))
        tags = set().union(*(TAG.findall(form) for form in forms))
        for welsh in _strings(message):
            if not welsh:
                continue
            found = set(PLACEHOLDER.findall(welsh))
            # A plural form may leave the number out ("un sefydliad" for 1); a single message keeps them all.
            if found - placeholders or (isinstance(message.id, str) and found != placeholders):
                problems.append(f"placeholders differ: {forms[-1]!r} → {welsh!r}")
            if set(TAG.findall(welsh)) != tags:
                problems.append(f"tags differ: {forms[-1]!r} → {welsh!r}")
    assert not problems, "\n".join(problems[:20])


def _welsh_in_data(node: Any, in_welsh: bool = False) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _welsh_in_data(value, in_welsh or key == "cy")
    elif isinstance(node, list):
        for value in node:
            yield from _welsh_in_data(value, in_welsh)
    elif isinstance(node, str) and in_welsh:
        yield node


def welsh_texts() -> list[str]:
    """Every Welsh text the registry shows: the catalogue's and the data's."""
    texts = [welsh for message in _catalogue() if message.id for welsh in _strings(message) if welsh]
    for path in sorted([*ROOT.glob("data/reference/*.yaml"), *ROOT.glob("data/rulesets/*.yaml")]):
        # The data is plain text, with no markup to mark a quotation lang="en": its quotations of English
        # sources stand in “…” (with a Welsh gloss), and are left out here as the catalogue's lang="en" are.
        texts.extend(
            re.sub(r"“[^”]*”", " ", text) for text in _welsh_in_data(yaml.safe_load(path.read_text(encoding="utf-8")))
        )
    return texts


def _words_to_check(text: str) -> str:
    """The words of a text, without placeholders, markup, addresses and quotations kept in English."""
    text = re.sub(r'<(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", text, flags=re.S)
    text = PLACEHOLDER.sub(" ", text)
    text = re.sub(r"<[^>]+>|&\w+;|https?://\S+|\S+@\S+|\{\{.*?\}\}", " ", text)
    # Welsh joins the short words "the", "yn", "ei", "eu", "fy", "dy", "eich" to the word before with an
    # apostrophe ("mae'r", "sy'n", "i'w", "a'u", "i'ch"); the dictionary knows the words, not the joins.
    return CLITIC.sub(r"\1", text.replace("\u2019", "'"))


def accepted_words() -> set[str]:
    lines = ACCEPTED_WORDS.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_the_welsh_is_spelt_as_the_welsh_dictionary_spells_it() -> None:
    aspell = shutil.which("aspell")
    assert aspell, "aspell is not installed: apt-get install aspell aspell-cy (.ci/run does)"
    dictionaries = subprocess.run([aspell, "dump", "dicts"], capture_output=True, text=True, check=True).stdout
    assert "cy" in dictionaries.split(), "the Welsh dictionary is not installed: apt-get install aspell-cy"
    words = "\n".join(_words_to_check(text) for text in welsh_texts())
    unknown = subprocess.run(
        [aspell, "--lang=cy", "--encoding=utf-8", "list"], input=words, capture_output=True, text=True, check=True
    ).stdout.split()
    accepted = accepted_words()
    misspelt = sorted({word for word in unknown if word not in accepted})
    assert not misspelt, (
        f"{len(misspelt)} words are not in the Welsh dictionary: correct them, or, once a reviewer agrees they "
        f"are right (names, acronyms, loanwords), add them to {ACCEPTED_WORDS.relative_to(ROOT)}: {misspelt}"
    )


def test_the_accepted_words_are_all_still_needed() -> None:
    aspell = shutil.which("aspell")
    assert aspell
    words = "\n".join(_words_to_check(text) for text in welsh_texts())
    unknown = set(
        subprocess.run(
            [aspell, "--lang=cy", "--encoding=utf-8", "list"], input=words, capture_output=True, text=True, check=True
        ).stdout.split()
    )
    stale = sorted(accepted_words() - unknown)
    assert not stale, f"accepted words no text uses any more (remove them): {stale}"
