"""Public pages: home, the list of organisations, listing pages and the about pages."""

from flask import Blueprint

bp = Blueprint("public", __name__)

import registry.web.public.data as data  # noqa: E402,F401
from registry.web.public import contact, explain, views  # noqa: E402,F401
