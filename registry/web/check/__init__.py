"""``/check``: anyone can describe a member structure and read, rule by rule, what it meets and why."""

from flask import Blueprint

bp = Blueprint("check", __name__)

from registry.web.check import views  # noqa: E402,F401
