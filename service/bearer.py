"""`Authorization: Bearer <token>` for the write endpoints (tokens from `coopkg token create`).

Tokens are not ambient credentials (no cookies), so cross-site pages cannot use them without
knowing them; that is why the write endpoints may allow CORS with the Authorization header.
"""
from flask import request

from coopkg.graph.accounts import Accounts, User

from .errors import HttpError
from .state import get_settings, state

CHALLENGE = 'Bearer realm="coopkg"'


def accounts() -> Accounts:
    extras = state().extras
    if "accounts" not in extras:
        extras["accounts"] = Accounts(get_settings().data_dir)
    return extras["accounts"]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_maintainer() -> User:
    """The maintainer the request's token belongs to; 401 without a valid token, 403 for other roles."""
    token = bearer_token()
    if token is None:
        raise HttpError(401, "This operation needs a maintainer token: send `Authorization: Bearer <token>` "
                             "(create one with `coopkg token create USER`).",
                        headers={"WWW-Authenticate": CHALLENGE})
    user = accounts().verify_token(token)
    if user is None:
        raise HttpError(401, "The token is not valid (unknown or revoked).",
                        headers={"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'})
    if not user.is_maintainer:
        raise HttpError(403, f"User {user.name} is not a maintainer.")
    return user


def allow_cross_origin_writes(response, methods: str):
    """CORS for token-protected endpoints: any origin, the Authorization header, no cookies."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Content-Type, Content-Length, Location, Vary, WWW-Authenticate"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = methods
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Accept"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
