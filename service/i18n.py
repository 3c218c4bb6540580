"""Indonesian and English UI text. Strings live in service/messages/<area>.json as
{"key": {"id": "...", "en": "..."}}; each area owns its file. The language comes from ?lang=,
then the `lang` cookie (remembered when ?lang= is used), then Accept-Language; Indonesian by default.
"""
import json
from functools import cache
from pathlib import Path

from flask import g, request

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
_DIR = Path(__file__).resolve().parent / "messages"


@cache
def catalogue() -> dict:
    merged = {}
    for path in sorted(_DIR.glob("*.json")):
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"message {key!r} defined twice ({path.name})")
            merged[key] = texts
    return merged


def choose_language() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get("lang")
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def t(key: str, **values) -> str:
    """The UI string for `key` in the current language (falling back to the other one)."""
    texts = catalogue().get(key)
    if texts is None:
        raise KeyError(f"no UI message {key!r}")
    lang = getattr(g, "lang", DEFAULT_LANGUAGE)
    text = texts.get(lang) or texts.get("en") or texts.get("id")
    return text.format(**values) if values else text


def other_language() -> str:
    return "en" if getattr(g, "lang", DEFAULT_LANGUAGE) == "id" else "id"


def init_app(app) -> None:
    @app.before_request
    def _set_language():
        g.lang = choose_language()

    @app.after_request
    def _remember_language(response):
        asked = request.args.get("lang")
        if asked in LANGUAGES:
            response.set_cookie("lang", asked, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    app.jinja_env.globals.update(t=t, other_language=other_language, LANGUAGES=LANGUAGES)
