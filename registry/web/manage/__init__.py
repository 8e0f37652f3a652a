"""``/manage``: a representative registers, claims and keeps their organisation's listings; anyone reads a
listing's history at ``/organisations/<slug>/history``."""

from flask import Blueprint

bp = Blueprint("manage", __name__)


@bp.app_context_processor
def listing_labels() -> dict[str, object]:
    from registry.services.editing import STATUS_LABELS

    return {"listing_status_labels": STATUS_LABELS}


from registry.web.manage import views  # noqa: E402,F401
