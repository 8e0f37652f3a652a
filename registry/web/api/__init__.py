"""The JSON API, ``/api/v1``: one success envelope and one error envelope."""

from flask import Blueprint

bp = Blueprint("api", __name__)

import registry.web.api.openapi  # noqa: E402,F401
from registry.web.api import views  # noqa: E402,F401
