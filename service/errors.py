"""Errors are negotiated like content: an HTML page for browsers, JSON for API clients, plain text
for SPARQL clients. 4xx for what the client got wrong, 500 only for what we got wrong."""
import logging

from flask import jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("coopkg.service")


class HttpError(Exception):
    def __init__(self, status: int, message: str, *, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def wants_html() -> bool:
    """Browsers name text/html explicitly; `*/*` alone (curl, scripts) gets text."""
    offered = ["text/html", "application/json", "text/plain"]
    return "text/html" in (request.headers.get("Accept") or "") and (
        request.accept_mimetypes.best_match(offered) == "text/html")


def wants_json() -> bool:
    accept = request.accept_mimetypes
    return request.path.startswith(("/api/", "/reconcile", "/health", "/metrics")) or (
        accept.best_match(["application/json", "text/plain"]) == "application/json"
        and accept["application/json"] > accept["*/*"])


def error_response(status: int, message: str, headers: dict | None = None):
    if wants_html():
        response = make_response(render_template("error.html", status=status, message=message), status)
    elif wants_json():
        response = make_response(jsonify({"error": message, "status": status}), status)
    else:
        response = make_response(message.rstrip() + "\n", status)
        response.mimetype = "text/plain"
    response.headers.update(headers or {})
    return response


def init_app(app) -> None:
    @app.errorhandler(HttpError)
    def _http_error(exc: HttpError):
        return error_response(exc.status, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def _werkzeug_error(exc: HTTPException):
        messages = {
            404: "Nothing is published at this address.",
            405: f"{request.method} is not allowed here.",
            413: f"The request body is larger than the limit of {app.config.get('MAX_CONTENT_LENGTH')} bytes.",
        }
        headers = dict(exc.get_headers()) if exc.code == 405 else {}
        headers.pop("Content-Type", None)
        return error_response(exc.code or 500, messages.get(exc.code, exc.description or exc.name), headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "An internal error occurred; it has been logged.")
