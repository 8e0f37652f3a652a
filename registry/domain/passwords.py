"""Password rules and hashing.

The rules follow NCSC and NIST SP 800-63B: a minimum length (12), no composition rules, and a check against
passwords people commonly choose. A password is refused when it is on the list of common passwords, when it is
a common password with digits or symbols around it ("Sunshine2024!"), when it is a keyboard walk or a run of
one character or a repeated short pattern, or when it contains the person's email address or the service's
name. Passwords are hashed with argon2id (``argon2-cffi``'s defaults, RFC 9106's low-memory profile); a hash
made with older parameters is replaced when its owner next signs in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from registry.domain.language import lazy_gettext as _l

MIN_LENGTH = 12
# argon2 copes with long input, but a cap stops people sending megabytes to be hashed.
MAX_LENGTH = 256

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "security" / "common-passwords.txt"

# People swap letters for look-alike digits and symbols ("P@ssw0rd"): undo that before looking a password up.
_LOOK_ALIKES = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i"}
)
_KEYBOARD_ROWS = (
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertyuiopasdfghjklzxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
)
# Words shorter than this in an email address or the service name are too common to refuse ("jo", "care").
_MIN_CONTEXT_WORD = 5

# The problems, in the language of the request that asks (``password_problem`` words them when it is called).
ENTER_PASSWORD = _l("Enter a password")
TOO_SHORT = _l("Password must be %(num)s characters or more", num=MIN_LENGTH)
TOO_LONG = _l("Password must be %(num)s characters or fewer", num=MAX_LENGTH)
TOO_COMMON = _l("Enter a password that is harder to guess, like 3 or 4 random words together")
CONTAINS_CONTEXT = _l("Your password must not include your email address or the name of this service")

_hasher = PasswordHasher()


def load_common_passwords(path: Path = COMMON_PASSWORDS_FILE) -> frozenset[str]:
    """The common-password list: one password a line, lower-cased; lines starting with '#' are comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


@cache
def common_passwords() -> frozenset[str]:
    return load_common_passwords()


def password_problem(
    password: str,
    *,
    email: str | None = None,
    site_name: str | None = None,
    common: frozenset[str] | None = None,
) -> str | None:
    """What is wrong with ``password``, in words (of the current language) to show the person choosing it, or
    None if it is acceptable."""
    if not password:
        return str(ENTER_PASSWORD)
    if len(password) < MIN_LENGTH:
        return str(TOO_SHORT)
    if len(password) > MAX_LENGTH:
        return str(TOO_LONG)
    words = common if common is not None else common_passwords()
    if is_guessable(password, words):
        return str(TOO_COMMON)
    if contains_context(password, context_words(email, site_name)):
        return str(CONTAINS_CONTEXT)
    return None


def is_guessable(password: str, common: frozenset[str]) -> bool:
    """A common password, perhaps in disguise: look-alike characters, spaces, digits or symbols around it."""
    lowered = password.lower()
    squashed = re.sub(r"\s+", "", lowered)
    whole = {lowered, squashed, squashed.translate(_LOOK_ALIKES)}
    # "password123!", "!!liverpool1892": the word in the middle is what an attacker guesses first.
    cores = {re.sub(r"^[^a-z]+|[^a-z]+$", "", candidate) for candidate in whole}
    if (whole | cores) & common:
        return True
    return any(_is_pattern(candidate) for candidate in whole | {core for core in cores if len(core) >= 4})


def _is_pattern(text: str) -> bool:
    """One character repeated, a short unit repeated ("abcabcabcabc"), or a keyboard or alphabet run."""
    if len(set(text)) <= 2:
        return True
    for size in range(2, len(text) // 2 + 1):
        if len(text) % size == 0 and text == text[:size] * (len(text) // size):
            return True
    return any(text in row * 3 or text in row[::-1] * 3 for row in _KEYBOARD_ROWS)


def context_words(email: str | None, site_name: str | None) -> list[str]:
    """Words from the person's email address and the service's name that must not be in their password."""
    words: list[str] = []
    if email and "@" in email:
        local, _, domain = email.lower().rpartition("@")
        words.append(re.sub(r"[^a-z0-9]", "", local))
        words.extend(re.split(r"[^a-z0-9]+", local))
        label = domain.split(".")[0]
        words.append(re.sub(r"[^a-z0-9]", "", label))
        words.extend(re.split(r"[^a-z0-9]+", label))
    if site_name:
        name_words = re.split(r"[^a-z0-9]+", site_name.lower())
        words.append("".join(name_words))
        words.extend(word.removesuffix("s") for word in name_words)
    return sorted({word for word in words if len(word) >= _MIN_CONTEXT_WORD})


def contains_context(password: str, words: Iterable[str]) -> bool:
    squashed = re.sub(r"[^a-z0-9]", "", password.lower())
    unmasked = re.sub(r"[^a-z]", "", password.lower().translate(_LOOK_ALIKES))
    return any(word in squashed or word in unmasked for word in words)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the hash; a malformed hash never matches."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's, so should be replaced at next sign-in."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


# A hash of nothing anyone can type, so that signing in as someone who does not exist takes as long as a
# wrong password, and response times do not reveal which email addresses have accounts.
_DUMMY_HASH = _hasher.hash("\x00no account has this password\x00")


def spend_verification_time(password: str) -> None:
    verify_password(_DUMMY_HASH, password)
