from __future__ import annotations

from pathlib import Path

import pytest

from registry.domain.identifiers import (
    IdentifierScheme,
    InvalidIdentifier,
    check_identifier,
    load_identifier_schemes,
    normalise_identifier,
    register_url,
)
from registry.domain.reference_data import VocabularyError

# (scheme, as typed, normalised). Real numbers where the reference reports give one.
VALID = [
    # Companies House: Sunshine Care (Rochdale) C.I.C, then prefixes from Co-operatives UK data and org-id.guide.
    ("GB-COH", "07008268", "07008268"),
    ("GB-COH", "7008268", "07008268"),
    ("GB-COH", " 0700 8268 ", "07008268"),
    ("GB-COH", "GB-COH-07008268", "07008268"),
    ("GB-COH", "09506232", "09506232"),
    ("GB-COH", "04518100", "04518100"),
    ("GB-COH", "sc150075", "SC150075"),
    ("GB-COH", "SC12345", "SC012345"),
    ("GB-COH", "OC310444", "OC310444"),
    ("GB-COH", "NI616069", "NI616069"),
    ("GB-COH", "IP031455", "IP031455"),
    ("GB-COH", "IP29339R", "IP29339R"),
    ("GB-COH", "RS007853", "RS007853"),
    ("GB-COH", "SO305678", "SO305678"),
    ("GB-COH", "LP012345", "LP012345"),
    # FCA Mutuals Public Register: suffixes seen in Co-operatives UK data; Northern Ireland numbers.
    ("GB-MPR", "525R", "525R"),
    ("GB-MPR", "31468R", "31468R"),
    ("GB-MPR", "2059rs", "2059RS"),
    ("GB-MPR", "235C", "235C"),
    ("GB-MPR", "1234 CBS", "1234CBS"),
    ("GB-MPR", "1234CS", "1234CS"),
    ("GB-MPR", "1234CUS", "1234CUS"),
    ("GB-MPR", "123SA", "123SA"),
    ("GB-MPR", "123F", "123F"),
    ("GB-MPR", "IP031455", "IP031455"),
    ("GB-MPR", "IP000348", "IP000348"),
    ("GB-MPR", "CU000069", "CU000069"),
    # Charity Commission for England and Wales: 6 and 7 digits (org-id.guide examples).
    ("GB-CHC", "279417", "279417"),
    ("GB-CHC", "1090095", "1090095"),
    ("GB-CHC", "1173575", "1173575"),
    ("GB-CHC", "GB-CHC-1090095", "1090095"),
    # OSCR.
    ("GB-SC", "SC042386", "SC042386"),
    ("GB-SC", "sc 000587", "SC000587"),
    ("GB-SC", "GB-SC-SC025693", "SC025693"),
    # Charity Commission for Northern Ireland: digits, with or without NIC.
    ("GB-NIC", "100019", "100019"),
    ("GB-NIC", "NIC100048", "100048"),
    ("GB-NIC", "nic 100050", "100050"),
    # NHS ODS codes of 3 to 6 characters (org-id.guide examples, a GP practice, a trust site).
    ("GB-NHS", "RAX", "RAX"),
    ("GB-NHS", "01f", "01F"),
    ("GB-NHS", "Z1070", "Z1070"),
    ("GB-NHS", "7A1A5", "7A1A5"),
    ("GB-NHS", "RXR01", "RXR01"),
    ("GB-NHS", "A81001", "A81001"),
    # CQC provider ids, and NHS trusts registered under their ODS code.
    ("CQC", "1-101657781", "1-101657781"),
    ("CQC", "1-9971460462", "1-9971460462"),
    ("CQC", "1-20703282817", "1-20703282817"),
    ("CQC", " 1-101657781 ", "1-101657781"),
    ("CQC", "rxr", "RXR"),
]

# (scheme, as typed). Each is refused with the scheme's own message.
INVALID = [
    ("GB-COH", ""),
    ("GB-COH", "123456789"),
    ("GB-COH", "AB123456"),
    ("GB-COH", "SC1234567"),
    ("GB-COH", "0700826X"),
    ("GB-COH", "07008268A"),
    ("GB-COH", "SC-150075"),
    ("GB-MPR", ""),
    ("GB-MPR", "525"),
    ("GB-MPR", "R525"),
    ("GB-MPR", "525X"),
    ("GB-MPR", "1234567R"),
    ("GB-MPR", "IP31455"),
    ("GB-MPR", "07008268"),
    ("GB-CHC", ""),
    ("GB-CHC", "12345"),
    ("GB-CHC", "12345678"),
    ("GB-CHC", "0279417"),
    ("GB-CHC", "1090095-1"),
    ("GB-CHC", "SC042386"),
    ("GB-SC", ""),
    ("GB-SC", "042386"),
    ("GB-SC", "SC42386"),
    ("GB-SC", "SC0423861"),
    ("GB-SC", "NI042386"),
    ("GB-NIC", ""),
    ("GB-NIC", "10001"),
    ("GB-NIC", "200019"),
    ("GB-NIC", "XN12345"),
    ("GB-NIC", "1000190"),
    ("GB-NHS", ""),
    ("GB-NHS", "RA"),
    ("GB-NHS", "ABCDEFG"),
    ("GB-NHS", "RX-R01"),
    ("CQC", ""),
    ("CQC", "101657781"),
    ("CQC", "1-12345"),
    ("CQC", "2-101657781"),
    ("CQC", "1-10165778A"),
    ("CQC", "RXR01"),
]

MESSAGES = {
    "GB-COH": "Enter a Companies House number of 8 characters, like 07008268 or SC123456",
    "GB-SC": "Enter a Scottish charity number of SC and 6 digits, like SC042386",
}


@pytest.fixture(scope="module")
def schemes() -> dict[str, IdentifierScheme]:
    return load_identifier_schemes()


@pytest.mark.parametrize(("scheme", "raw", "expected"), VALID)
def test_a_valid_identifier_is_returned_in_its_normal_form(scheme: str, raw: str, expected: str) -> None:
    assert check_identifier(scheme, raw) == expected


@pytest.mark.parametrize(("scheme", "raw"), INVALID)
def test_an_invalid_identifier_is_refused_with_the_schemes_format_message(
    scheme: str, raw: str, schemes: dict[str, IdentifierScheme]
) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        check_identifier(scheme, raw)
    assert refused.value.message == schemes[scheme].format_message
    assert str(refused.value) == refused.value.message


@pytest.mark.parametrize(("scheme", "message"), MESSAGES.items())
def test_format_messages_name_the_format_in_plain_english(scheme: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier, match=message):
        check_identifier(scheme, "nonsense")


def test_every_schemes_example_passes_its_own_check(schemes: dict[str, IdentifierScheme]) -> None:
    for scheme in schemes.values():
        assert check_identifier(scheme.code, scheme.example) == scheme.example


def test_every_format_message_mentions_the_example_or_a_real_value(schemes: dict[str, IdentifierScheme]) -> None:
    for scheme in schemes.values():
        assert scheme.format_message.startswith("Enter ")
        assert " like " in scheme.format_message
        assert not scheme.format_message.endswith(".")


def test_the_seven_schemes_are_loaded(schemes: dict[str, IdentifierScheme]) -> None:
    assert set(schemes) == {"GB-COH", "GB-MPR", "GB-CHC", "GB-SC", "GB-NIC", "GB-NHS", "CQC"}
    assert not schemes["CQC"].org_id
    assert all(scheme.org_id for code, scheme in schemes.items() if code != "CQC")


def test_normalising_does_not_check(schemes: dict[str, IdentifierScheme]) -> None:
    assert normalise_identifier("GB-COH", " ab 1 ") == "AB000001"
    assert normalise_identifier("GB-NIC", "nic") == ""


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(InvalidIdentifier, match="Choose the kind of identifier"):
        check_identifier("GB-XYZ", "123")


def test_a_scheme_object_can_be_checked_without_the_file() -> None:
    scheme = IdentifierScheme(
        code="GB-TEST", label="test number", registrar=None, pattern=r"^T\d{2}$", example="T12", url_template=None
    )
    assert check_identifier("GB-TEST", "t 12", {"GB-TEST": scheme}) == "T12"
    with pytest.raises(InvalidIdentifier, match="Enter a test number, like T12"):
        check_identifier("GB-TEST", "T123", {"GB-TEST": scheme})


@pytest.mark.parametrize(
    ("scheme", "value", "url"),
    [
        (
            "GB-COH",
            "07008268",
            "https://find-and-update.company-information.service.gov.uk/company/07008268",
        ),
        (
            "GB-CHC",
            "1090095",
            "https://register-of-charities.charitycommission.gov.uk/charity-details/?regid=1090095&subid=0",
        ),
        (
            "GB-SC",
            "SC042386",
            "https://www.oscr.org.uk/about-charities/search-the-register/charity-details?number=SC042386",
        ),
        ("GB-NIC", "100019", "https://www.charitycommissionni.org.uk/charity-details/?regId=100019&subId=0"),
        ("CQC", "1-101657781", "https://www.cqc.org.uk/provider/1-101657781"),
    ],
)
def test_register_url_links_to_the_public_register_page(scheme: str, value: str, url: str) -> None:
    assert register_url(scheme, value) == url


def test_register_url_accepts_a_scheme_object(schemes: dict[str, IdentifierScheme]) -> None:
    assert register_url(schemes["CQC"], "RXR") == "https://www.cqc.org.uk/provider/RXR"


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        ("GB-MPR", "525R"),  # the register's pages are addressed by an internal id
        ("GB-NHS", "RAX"),  # the ODS portal's pages too
        ("GB-COH", "not-a-number"),  # no link to a page that cannot exist
    ],
)
def test_register_url_is_none_when_no_page_can_be_built(scheme: str, value: str) -> None:
    assert register_url(scheme, value) is None


def test_a_broken_schemes_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "identifier_schemes.yaml"
    path.write_text(
        "source: [x]\nitems:\n  - {code: GB-X, label: X, description: X, registrar: null, pattern: '^X$',\n"
        "     normalise: none, format_message: Enter X, example: Y, url_template: null}\n",
        encoding="utf-8",
    )
    with pytest.raises(VocabularyError, match="the example 'Y' does not match the pattern"):
        load_identifier_schemes(path)
