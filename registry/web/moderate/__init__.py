"""``/moderate``: moderators review new listings, claims and changes to verified facts, suspend and restore
listings, read the audit log and make people commissioners; admins also read the email outbox."""

from flask import Blueprint

bp = Blueprint("moderate", __name__)

from registry.web.moderate import views  # noqa: E402,F401
