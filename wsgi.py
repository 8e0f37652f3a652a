"""WSGI entry point for production servers: ``gunicorn wsgi:app`` (see ``make serve`` and gunicorn.conf.py)."""

from registry import create_app

app = create_app()
