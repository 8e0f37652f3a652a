"""gunicorn settings for ``make serve``. Every value can be overridden on the command line or with
GUNICORN_CMD_ARGS; the worker count with WEB_CONCURRENCY."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Two workers per core plus one: requests spend much of their time waiting on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak in any library cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
# The app logs one JSON line per request itself (registry.access); gunicorn's own access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):  # type: ignore[no-untyped-def]
    """Build the static files (content-hashed, precompressed) once, in the master, before the workers start:
    each worker's app then finds the build made and only reads it."""
    from registry.web.static_files import build_static

    build_static(log=server.log.info)
