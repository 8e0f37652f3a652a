"""The Open Referral UK 3.0 feed at ``/openreferral``, and its whole-dataset download ``/data/openreferral.json``.

Read-only, anonymous JSON that any site may fetch (``Access-Control-Allow-Origin: *`` on every response); errors
use the app's JSON error envelope. Routes carry their own prefixes because the download sits with the other bulk
downloads under ``/data``.
"""

from flask import Blueprint

bp = Blueprint("openreferral", __name__)

from registry.web.openreferral import views  # noqa: E402,F401
