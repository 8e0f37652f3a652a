"""Password rules (length, common passwords in disguise, the person's email and the site's name) and hashing."""

from __future__ import annotations

import pytest

from registry.domain.passwords import (
    CONTAINS_CONTEXT,
    ENTER_PASSWORD,
    MIN_LENGTH,
    TOO_COMMON,
    TOO_LONG,
    TOO_SHORT,
    common_passwords,
    context_words,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)

SITE = "Health & Care Mutuals Registry"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", ENTER_PASSWORD),
        ("a" * (MIN_LENGTH - 1), TOO_SHORT),
        ("x" * 257, TOO_LONG),
        ("passwordpassword", TOO_COMMON),
        ("Password1234!", TOO_COMMON),
        ("P@ssw0rd2024!!", TOO_COMMON),
        ("!!Liverpool1892", TOO_COMMON),
        ("iloveyou123456", TOO_COMMON),
        ("123456789012", TOO_COMMON),
        ("qwertyuiop12", TOO_COMMON),
        ("QWERTYUIOPASDF", TOO_COMMON),
        ("aaaaaaaaaaaaaa", TOO_COMMON),
        ("abcabcabcabc", TOO_COMMON),
        ("zyxwvutsrqpo", TOO_COMMON),
        ("correct horse battery staple", TOO_COMMON),
        ("Mutuals Registry 2025", CONTAINS_CONTEXT),
        ("my healthcare password", CONTAINS_CONTEXT),
        ("jsmith-rules-the-world", CONTAINS_CONTEXT),
        ("J0hn.Sm1th likes tea", CONTAINS_CONTEXT),
        ("pepper camel rowing frost", None),
        ("x9#Lp0v!2qRt", None),
        ("Tr4in-Lamp-Violet", None),
        ("a b c d e f g h i j k l", TOO_COMMON),
        ("quiet harbour 1987 tulips", None),
    ],
)
def test_password_rules(password: str, problem: str | None) -> None:
    assert password_problem(password, email="john.smith@jsmith.example", site_name=SITE) == problem


def test_the_shipped_list_holds_the_best_known_common_passwords() -> None:
    words = common_passwords()
    assert len(words) >= 1000
    for password in ("123456", "password", "qwerty", "iloveyou", "letmein", "monkey", "football", "liverpool"):
        assert password in words
    assert all(word == word.lower().strip() and not word.startswith("#") for word in words)


def test_short_words_in_an_email_address_are_not_held_against_a_password() -> None:
    assert context_words("jo@nhs.net", None) == []
    assert password_problem("jo's new bike shed", email="jo@nhs.net") is None


def test_context_words_come_from_the_email_and_the_site_name() -> None:
    assert context_words("mary.jones@carers-trust.example", SITE) == sorted(
        {
            "maryjones",
            "jones",
            "carers",
            "carerstrust",
            "trust",
            "health",
            "healthcaremutualsregistry",
            "mutual",
            "registry",
        }
    )


def test_hashes_are_argon2id_salted_and_verify() -> None:
    first, second = hash_password("pepper camel rowing frost"), hash_password("pepper camel rowing frost")
    assert first.startswith("$argon2id$")
    assert first != second
    assert verify_password(first, "pepper camel rowing frost")
    assert not verify_password(first, "pepper camel rowing frosT")
    assert not verify_password("not a hash", "anything")
    assert not needs_rehash(first)


def test_a_hash_with_weaker_parameters_needs_rehashing() -> None:
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("pepper camel rowing frost")
    assert verify_password(old, "pepper camel rowing frost")
    assert needs_rehash(old)
    assert needs_rehash("not a hash")
