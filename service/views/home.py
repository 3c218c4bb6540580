"""The home page: what coopkg is, and the ways in (directory, search, query, dataset, contribute)."""
from flask import Blueprint, current_app, render_template

from coopkg.graph.dataset_description import statistics_if_ready

from ..state import get_store

bp = Blueprint("home", __name__)

# (endpoint, title key, text key): shown only when the endpoint is mounted.
WAYS_IN = (
    ("browse.directory", "nav.directory", "home.way.directory"),
    ("browse.search", "nav.search", "home.way.search"),
    ("query_ui.query_page", "nav.query", "home.way.query"),
    ("browse.network", "nav.network", "home.way.network"),
    ("dataset.dataset_page", "nav.dataset", "home.way.dataset"),
    ("contribute.contribute_page", "nav.contribute", "home.way.contribute"),
)


@bp.get("/")
def index():
    ways = [way for way in WAYS_IN if way[0] in current_app.view_functions]
    # Statistics are built in the background at start; the home page never waits for them.
    return render_template("home.html", ways=ways, stats=statistics_if_ready(get_store()))
