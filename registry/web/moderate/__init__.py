"""``/moderate``: moderators review new listings, claims and changes to verified facts, suspend and restore
listings, read the audit log and make people commissioners; admins also read the email outbox."""

from flask import Blueprint

from registry.web import date_filters

bp = Blueprint("moderate", __name__)
# The date filters serve the moderation and the representatives' pages alike; registered with the app once.
bp.record_once(lambda state: date_filters.init_app(state.app))

from registry.web.moderate import views  # noqa: E402,F401
