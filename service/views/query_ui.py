"""/query: the SPARQL editor page (YASGUI from /vendor/yasgui) with the example library.

The page works without JavaScript too: a plain form that GETs /sparql in a chosen format. Share
links are /query?query=... (or ?example=<id>); YASGUI adds its own #query=... links as well.
"""
from flask import Blueprint, abort, jsonify, render_template, request

from coopkg.graph.examples import get_example, load_examples
from coopkg.graph.formats import RDF_SYNTAXES, RESULTS_SYNTAXES
from coopkg.graph.vocab import PREFIXES

from ..state import get_settings

bp = Blueprint("query_ui", __name__)

# Prefilled in a new query: the namespaces people need for almost every question on this graph.
EDITOR_PREFIXES = ("ckg", "kg", "kgc", "rdfs", "skos", "org", "schema", "dcterms", "prov", "xsd")


def starter_query() -> str:
    lines = [f"PREFIX {name}: <{PREFIXES[name]}>" for name in EDITOR_PREFIXES if name in PREFIXES]
    lines += ["", "SELECT ?organisation ?name", "WHERE {",
              "  ?organisation a/rdfs:subClassOf* ckg:Organisation ;", "                rdfs:label ?name .",
              "}", "ORDER BY ?name", "LIMIT 50"]
    return "\n".join(lines) + "\n"


@bp.get("/query")
def query_page():
    examples = load_examples()
    chosen = None
    if request.args.get("example"):
        chosen = get_example(request.args["example"])
        if chosen is None:
            abort(404)
    initial = request.args.get("query") or (chosen.query if chosen else starter_query())
    settings = get_settings()
    return render_template(
        "query.html", examples=examples, chosen=chosen, initial_query=initial,
        from_url=bool(request.args.get("query") or chosen), prefixes={n: PREFIXES[n] for n in EDITOR_PREFIXES if n in PREFIXES},
        results_syntaxes=RESULTS_SYNTAXES, graph_syntaxes=[s for s in RDF_SYNTAXES if not s.is_dataset],
        timeout=settings.query_timeout, max_rows=settings.max_rows)


@bp.get("/query/examples.json")
def examples_json():
    """The example library for other tools (and the page's script)."""
    response = jsonify([example.as_json() for example in load_examples()])
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/query/examples/<example_id>.rq")
def example_file(example_id):
    example = get_example(example_id)
    if example is None:
        abort(404)
    return example.query, 200, {"Content-Type": "application/sparql-query; charset=utf-8",
                                "Access-Control-Allow-Origin": "*"}
