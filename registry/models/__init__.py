"""Persistence: typed SQLAlchemy 2 models. Importing this package registers every table with the metadata."""

from registry.models.accounts import AuditEvent, Membership, OutboxEmail, Role, User, UserSession
from registry.models.commissioning import Shortlist, ShortlistEntry
from registry.models.gazetteer import GazetteerBuild, LocalAuthority, Outcode, Place, Postcode, Sector
from registry.models.imports import ImportedRecord, ImportRun  # noqa: F401  (registers the import tables)
from registry.models.limits import FieldRefused, FieldTooLong, column_limit, install_guard
from registry.models.moderation import ChangeKind, ChangeRequest, Claim, ReviewStatus
from registry.models.organisation import (
    LISTING_RECORD_LISTS,
    Assessment,
    BoardSeat,
    Identifier,
    ListingProvenance,
    ListingStatus,
    Location,
    MemberClass,
    Organisation,
    RegisteredStatus,
    Revision,
    Service,
    ServiceArea,
    SignificantControl,
    Source,
    Verification,
)
from registry.models.profiles import ListingRuleOutcome, Profile, ProfileShare, ProfileVersion
from registry.models.reference import GovernanceModel, IdentifierScheme, LegalForm, MemberClassKind, Region, ServiceType
from registry.models.search import SearchFacet

install_guard()

__all__ = [
    "LISTING_RECORD_LISTS",
    "Assessment",
    "AuditEvent",
    "BoardSeat",
    "ChangeKind",
    "ChangeRequest",
    "Claim",
    "FieldRefused",
    "FieldTooLong",
    "GazetteerBuild",
    "GovernanceModel",
    "Identifier",
    "IdentifierScheme",
    "LegalForm",
    "ListingProvenance",
    "ListingRuleOutcome",
    "ListingStatus",
    "LocalAuthority",
    "Location",
    "MemberClass",
    "MemberClassKind",
    "Membership",
    "Organisation",
    "OutboxEmail",
    "Outcode",
    "Place",
    "Postcode",
    "Profile",
    "ProfileShare",
    "ProfileVersion",
    "Region",
    "RegisteredStatus",
    "ReviewStatus",
    "Revision",
    "Role",
    "SearchFacet",
    "Sector",
    "Service",
    "ServiceArea",
    "ServiceType",
    "Shortlist",
    "ShortlistEntry",
    "SignificantControl",
    "Source",
    "User",
    "UserSession",
    "Verification",
    "column_limit",
]
