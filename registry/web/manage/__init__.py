"""``/manage``: a representative registers, claims and keeps their organisation's listings; anyone reads a
listing's history at ``/organisations/<slug>/history``."""

from flask import Blueprint

bp = Blueprint("manage", __name__)


@bp.app_context_processor
def listing_labels() -> dict[str, object]:
    from registry.domain.language import lazy_gettext
    from registry.services.editing import STATUS_LABELS

    # The labels are held in English; each page shows them in its own language.
    return {"listing_status_labels": {status: lazy_gettext(label) for status, label in STATUS_LABELS.items()}}


from registry.web.manage import views  # noqa: E402,F401
