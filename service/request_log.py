"""Structured request logs: one JSON line per request on stderr, each with a request id.

The id comes from the client's X-Request-Id when it is a short token (so a proxy's id carries
through), else a fresh one; it is echoed in the response's X-Request-Id and in every log line
written while the request is handled, so a user's report can be matched to the log.
"""
import json
import logging
import re
import sys
import time
import uuid

from flask import g, has_request_context, request

ACCESS_LOGGER = "coopkg.requests"
HEADER = "X-Request-Id"
# Letters, digits and a few separators only: the id goes into a response header and log lines,
# so anything that could split a header or forge a log line is replaced by our own id.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id() -> str | None:
    return getattr(g, "request_id", None) if has_request_context() else None


class _RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record logged inside a request (e.g. the traceback of a 500)."""

    def filter(self, record):
        record.request_id = request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
                 "level": record.levelname.lower(), "logger": record.name,
                 "request_id": getattr(record, "request_id", "-")}
        if isinstance(record.msg, dict):
            entry.update(record.msg)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime


def _configure(logger_name: str, level=logging.INFO) -> None:
    logger = logging.getLogger(logger_name)
    if not any(getattr(h, "_coopkg", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(_RequestIdFilter())
        handler._coopkg = True
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def init_app(app) -> None:
    _configure(ACCESS_LOGGER)
    _configure("coopkg.service", logging.WARNING)  # errors.py logs unexpected errors here
    access = logging.getLogger(ACCESS_LOGGER)

    @app.before_request
    def _start():
        given = request.headers.get(HEADER, "")
        g.request_id = given if _CLIENT_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        rid = getattr(g, "request_id", None) or uuid.uuid4().hex
        response.headers[HEADER] = rid
        started = getattr(g, "request_started", None)
        duration = time.perf_counter() - started if started is not None else 0.0
        g.request_duration = duration
        if not app.config.get("COOPKG_QUIET_ACCESS_LOG"):
            access.info({
                "event": "request", "method": request.method, "path": request.path,
                "endpoint": request.endpoint or "-", "status": response.status_code,
                "duration_ms": round(duration * 1000, 1),
                "bytes": response.calculate_content_length() if not response.is_streamed else None,
                "remote": request.remote_addr,
                "user_agent": (request.user_agent.string or "")[:200],
            })
        return response
