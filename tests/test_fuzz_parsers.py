"""Property-based fuzzing (hypothesis) of the request parsers, bounded in examples and time:
content negotiation, SPARQL protocol parameters and the query guard, contribution uploads, and
reconciliation queries. Whatever arrives, the answer is a 2xx-4xx with a message, never a 500.

Set COOPKG_FUZZ_EXAMPLES (default 60) and COOPKG_FUZZ_RANDOM=1 to fuzz longer with fresh seeds.
"""
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopkg.graph.changeset import ChangeSetError, parse_rdf
from coopkg.graph.formats import RDF_SYNTAXES, RESULTS_SYNTAXES, rdf_syntax
from coopkg.graph.sparql_guard import GuardError, check_query, inspect
from coopkg.service import create_app
from coopkg.service.negotiation import choose_rdf_syntax, choose_results_syntax, prefers_html

EXAMPLES = int(os.environ.get("COOPKG_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize=not os.environ.get("COOPKG_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from coopkg.graph.bootstrap import initialise
    application = create_app({"data_dir": tmp_path_factory.mktemp("fuzz"), "contribution_rate_limit": 0,
                              "login_rate_limit": 0, "query_timeout": 5, "COOPKG_QUIET_ACCESS_LOG": True,
                              "TESTING": True})
    initialise(application.extensions["coopkg"].store)
    yield application
    application.extensions["coopkg"].store.close()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def header(value: str) -> str:
    """What a header can carry on the wire: latin-1, no line breaks (servers split lines there)."""
    return value.encode("utf-8", "replace").decode("latin-1").replace("\r", " ").replace("\n", " ")


def never_500(response, what):
    assert response.status_code < 500, (what, response.status_code, response.get_data(as_text=True)[:300])


# ---- content negotiation ----

MEDIA = [s.media_type for s in RDF_SYNTAXES + RESULTS_SYNTAXES] + ["text/html", "*/*", "text/*", "application/*"]
media_range = st.one_of(st.sampled_from(MEDIA), st.text(max_size=30))
q_value = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True).map(str), st.text(max_size=6))
accept_item = st.builds(lambda m, q, p: m + (f";q={q}" if q is not None else "") + p, media_range, q_value,
                        st.sampled_from(["", ";charset=utf-8", ";level=1", ";;", ";q"]))
accept_header = st.lists(accept_item, max_size=6).map(", ".join)
format_param = st.one_of(st.none(), st.sampled_from([s.name for s in RDF_SYNTAXES + RESULTS_SYNTAXES]), st.text(max_size=20))


@FUZZ
@given(accept=accept_header, fmt=format_param)
def test_negotiation_never_fails(app, accept, fmt):
    headers = {"Accept": header(accept)}
    with app.test_request_context("/", headers=headers):
        for chosen in (choose_rdf_syntax(format_param=fmt, extra=("text/html",)),
                       choose_results_syntax(format_param=fmt, extra=("text/html",))):
            assert chosen is None or chosen == "text/html" or chosen in RDF_SYNTAXES + RESULTS_SYNTAXES
        assert prefers_html() in (True, False)


# ---- SPARQL: the guard and the protocol ----

TOKENS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "INSERT", "DELETE", "DATA", "LOAD", "CLEAR", "SERVICE",
          "SILENT", "GRAPH", "OPTIONAL", "FILTER", "UNION", "VALUES", "FROM", "NAMED", "PREFIX", "BASE", "LIMIT",
          "{", "}", "(", ")", "[", "]", "?s", "?p", "?o", "*", ".", ";", ",", "<urn:x>", "<http://127.0.0.1:9/>",
          "ex:a", '"x"', "'''y'''", "#c\n", "1", "@en", "^^", "a", "\\", '"', "<", ">", "\u0000", "\ufffd"]
sparqlish = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=5)), max_size=40).map(" ".join)


@FUZZ
@given(text=st.one_of(sparqlish, st.text(max_size=200)))
def test_the_guard_only_ever_refuses(text):
    shape = inspect(text)
    assert shape.max_depth >= 0
    try:
        accepted = check_query(text, allowed_services=(), max_depth=20)
    except GuardError as exc:
        assert str(exc)
        return
    assert not accepted.is_update and not accepted.services and accepted.max_depth <= 20


@FUZZ
@given(query=st.one_of(sparqlish, st.text(max_size=80)), method=st.sampled_from(["GET", "POST-form", "POST-direct"]),
       fmt=format_param, accept=accept_header,
       graphs=st.lists(st.one_of(st.sampled_from(["urn:g", "http://127.0.0.1:9/g"]), st.text(max_size=10)), max_size=2),
       extra=st.dictionaries(st.sampled_from(["update", "query", "default-graph-uri", "named-graph-uri", "timeout"]),
                             st.text(max_size=10), max_size=2))
def test_sparql_protocol_requests_never_500(client, query, method, fmt, accept, graphs, extra):
    params = {"query": query, "default-graph-uri": graphs, **({"format": fmt} if fmt is not None else {}), **extra}
    headers = {"Accept": header(accept)}
    if method == "GET":
        response = client.get("/sparql", query_string=params, headers=headers)
    elif method == "POST-form":
        response = client.post("/sparql", data=params, headers=headers)
    else:
        response = client.post("/sparql", data=query.encode("utf-8", "surrogatepass"), headers=headers,
                               content_type="application/sparql-query", query_string={"format": fmt} if fmt else {})
    never_500(response, (method, params))


# ---- contribution uploads ----

TURTLE_TOKENS = ["@prefix", "ex:", "<urn:a>", "<urn:b>", "<http://x/>", "a", '"lit"', '"x"@id', '"1"^^xsd:int', ".",
                 ";", ",", "[", "]", "(", ")", "_:b", "<<", ">>", "{", "}", "GRAPH", "@base", "\n", "#", "true", "1.5e3"]
turtleish = st.lists(st.one_of(st.sampled_from(TURTLE_TOKENS), st.text(max_size=4)), max_size=40).map(" ".join)


@FUZZ
@given(body=st.one_of(turtleish, st.binary(max_size=200), st.text(max_size=200)),
       syntax=st.sampled_from(RDF_SYNTAXES))
def test_upload_parser_only_raises_its_own_errors(body, syntax):
    try:
        parse_rdf(body, syntax, max_triples=50)
    except ChangeSetError as exc:
        assert str(exc)


@FUZZ
@given(body=st.one_of(turtleish.map(str.encode), st.binary(max_size=200)),
       content_type=st.one_of(st.sampled_from([s.media_type for s in RDF_SYNTAXES] + ["application/json", "text/plain"]),
                              st.text(max_size=20)),
       name=st.text(max_size=20))
def test_contribution_api_never_500(client, body, content_type, name):
    response = client.post("/api/contributions", data=body, query_string={"name": name},
                           content_type=header(content_type))
    never_500(response, (content_type, body[:60]))


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
              st.text(max_size=15)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12)
envelope = st.fixed_dictionaries({}, optional={
    "contributor": st.one_of(json_values, st.fixed_dictionaries({"name": st.text(max_size=10)})),
    "format": st.one_of(st.sampled_from(["turtle", "jsonld", "rdfxml", "ntriples", "trig"]), json_values),
    "add": st.one_of(turtleish, json_values), "remove": st.one_of(turtleish, json_values), "comment": json_values})


@FUZZ
@given(payload=st.one_of(envelope, json_values))
def test_contribution_envelope_never_500(client, payload):
    response = client.post("/api/contributions", data=json.dumps(payload), content_type="application/json")
    never_500(response, payload)


# ---- reconciliation ----

reconcile_query = st.one_of(
    st.text(max_size=30),
    st.fixed_dictionaries({}, optional={
        "query": st.one_of(st.text(max_size=30), json_values),
        "type": st.one_of(st.sampled_from(["ckg:Cooperative", "Organisation", "https://w3id.org/coopkg/ontology#City"]),
                          json_values),
        "limit": st.one_of(st.integers(), json_values),
        "properties": st.one_of(st.lists(st.fixed_dictionaries({"pid": st.one_of(st.sampled_from(["city", "ckg:province"]),
                                                                                 json_values),
                                                                "v": json_values}), max_size=3), json_values),
        "type_strict": json_values}),
    json_values)


@FUZZ
@given(batch=st.one_of(st.dictionaries(st.text(max_size=4), reconcile_query, max_size=4), json_values),
       how=st.sampled_from(["queries", "query", "extend"]), method=st.sampled_from(["GET", "POST"]))
def test_reconciliation_requests_never_500(client, batch, how, method):
    payload = {how: json.dumps(batch) if how != "query" or not isinstance(batch, str) else batch}
    response = (client.get("/reconcile", query_string=payload) if method == "GET"
                else client.post("/reconcile", data=payload))
    never_500(response, (how, batch))


@FUZZ
@given(prefix=st.text(max_size=30), cursor=st.one_of(st.text(max_size=6), st.integers().map(str)),
       kind=st.sampled_from(["entity", "type", "property"]), entity=st.text(max_size=30))
def test_reconciliation_suggest_and_preview_never_500(client, prefix, cursor, kind, entity):
    never_500(client.get(f"/reconcile/suggest/{kind}", query_string={"prefix": prefix, "cursor": cursor}), prefix)
    never_500(client.get("/reconcile/preview", query_string={"id": entity}), entity)
    never_500(client.get("/reconcile/flyout", query_string={"id": entity}), entity)
    never_500(client.get("/reconcile/propose_properties", query_string={"type": entity, "limit": cursor}), entity)
