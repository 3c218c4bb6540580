"""Maintainer login, sessions, CSRF tokens and rate limits for the contribution and review pages.

- Passwords are checked by coopkg.graph.accounts (argon2id hashes).
- The session is Flask's signed cookie: HttpOnly, SameSite=Lax, and Secure whenever the request came
  over HTTPS (directly or through a proxy that says so); on plain-HTTP loopback development it cannot
  be Secure, or browsers would drop it. A login clears the old session first (no session fixation),
  and the user is looked up again on every request, so removing an account ends its sessions.
- Every form carries a CSRF token bound to the session (`csrf_field()` in templates); `check_csrf()`
  refuses a POST whose token is missing or wrong.
- Rate limits are in memory, per process: failed logins per client and per user name, submissions per
  client.
"""
import functools
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from datetime import timedelta

from flask import redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup, escape

from coopkg.graph.accounts import Accounts

from .errors import HttpError
from .i18n import t
from .state import get_settings, state

CSRF_FIELD = "csrf_token"
LOGIN_WINDOW = 15 * 60
SUBMIT_WINDOW = 3600


class SessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app):
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


class RateLimiter:
    """At most `limit` events per key in a sliding window of `window` seconds."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._events: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, key, now):
        events = self._events[key]
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def retry_after(self, key: str) -> int | None:
        """Seconds to wait if the key is over its limit, else None."""
        if self.limit <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            events = self._trim(key, now)
            if len(events) >= self.limit:
                return max(1, int(events[0] + self.window - now) + 1)
        return None

    def hit(self, key: str) -> None:
        with self._lock:
            self._trim(key, time.monotonic()).append(time.monotonic())

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


def init_app(app) -> None:
    """Idempotent: both the contribute and the review blueprints call it."""
    if app.extensions.get("coopkg.auth"):
        return
    app.extensions["coopkg.auth"] = True
    app.session_interface = SessionInterface()
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=12))
    app.jinja_env.globals.update(csrf_field=csrf_field, csrf_token=csrf_token, current_maintainer=current_maintainer)
    settings = app.extensions["coopkg"].settings
    extras = app.extensions["coopkg"].extras
    extras["login_limiter"] = RateLimiter(settings.login_rate_limit, LOGIN_WINDOW)
    extras["submit_limiter"] = RateLimiter(settings.contribution_rate_limit, SUBMIT_WINDOW)


def accounts() -> Accounts:
    extras = state().extras
    if "accounts" not in extras:
        extras["accounts"] = Accounts(get_settings().data_dir)
    return extras["accounts"]


# ---- CSRF ----
def csrf_token() -> str:
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def csrf_field() -> Markup:
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token())}">')


def check_csrf() -> None:
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_FIELD, "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise HttpError(403, t("contrib.auth.csrf_failed"))


# ---- maintainers ----
def current_maintainer():
    name = session.get("maintainer")
    if not name:
        return None
    user = accounts().user(name)
    if user is None or not user.is_maintainer:
        session.pop("maintainer", None)
        return None
    return user


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_maintainer() is None:
            if request.method == "GET":
                return redirect(url_for("review.login", next=request.full_path.rstrip("?")))
            raise HttpError(401, t("contrib.auth.login_needed"))
        return view(*args, **kwargs)
    return wrapper


def client_key() -> str:
    return request.remote_addr or "unknown"


def attempt_login(name: str, password: str):
    """The user, or None; raises 429 when this client or this user name failed too often."""
    limiter: RateLimiter = state().extras["login_limiter"]
    keys = ["client:" + client_key(), "user:" + (name or "").lower()]
    waits = [w for w in (limiter.retry_after(k) for k in keys) if w]
    if waits:
        raise HttpError(429, t("contrib.auth.too_many_logins", seconds=max(waits)), headers={"Retry-After": str(max(waits))})
    user = accounts().verify_password(name, password)
    if user is None or not user.is_maintainer:
        for key in keys:
            limiter.hit(key)
        return None
    session.clear()  # a fresh session (and CSRF token) for the logged-in maintainer
    session.permanent = True
    session["maintainer"] = user.name
    return user


def logout() -> None:
    session.clear()


def check_submit_rate() -> None:
    """Count one submission attempt for this client; 429 when it has made too many this hour."""
    limiter: RateLimiter = state().extras["submit_limiter"]
    key = client_key()
    wait = limiter.retry_after(key)
    if wait:
        raise HttpError(429, t("contrib.contribute.too_many", seconds=wait), headers={"Retry-After": str(wait)})
    limiter.hit(key)
