"""Template helpers for the page frame: navigation, search target, language switch."""
from flask import current_app, request, url_for

NAV = (
    ("browse.directory", "nav.directory"),
    ("browse.timeline", "nav.timeline"),
    ("browse.network", "nav.network"),
    ("query_ui.query_page", "nav.query"),
    ("dataset.dataset_page", "nav.dataset"),
    ("contribute.contribute_page", "nav.contribute"),
)


def nav_items():
    return [(endpoint, key) for endpoint, key in NAV if endpoint in current_app.view_functions]


def has_endpoint(endpoint: str) -> bool:
    """For templates linking to a feature that may not be mounted."""
    return endpoint in current_app.view_functions


def search_url():
    return url_for("browse.search") if "browse.search" in current_app.view_functions else "/search"


def lang_switch_url():
    from .i18n import other_language
    args = request.args.to_dict(flat=False)
    args["lang"] = [other_language()]
    return url_for(request.endpoint or "home.index", **(request.view_args or {}), **args) \
        if request.endpoint else "?lang=" + other_language()


def init_app(app) -> None:
    app.jinja_env.globals.update(nav_items=nav_items, search_url=search_url, lang_switch_url=lang_switch_url,
                                 has_endpoint=has_endpoint)
