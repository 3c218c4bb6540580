"""The example library: every examples/*.rq has a title and description in both languages, runs on
the public endpoint of a live server on the curated graph, and returns rows (unless its header says
it `needs` data beyond the curated graph, such as partner datasets)."""
import pytest
import requests
from markupsafe import escape

from coopkg.graph.examples import ExampleError, load_examples, parse
from coopkg.graph.paths import EXAMPLES_DIR

EXAMPLES = load_examples()
RESEARCH_QUESTIONS = {  # the questions the issue names, each answered by an example
    "cooperatives per province and model": "01-cooperatives-by-province-and-model",
    "people with positions in several organisations": "02-people-in-several-organisations",
    "the collaboration network of an organisation": "03-collaboration-network",
    "events by year": "04-events-by-year",
    "which commitments are still open": "05-open-commitments",
    "directory entries by status": "06-directory-entries-by-status",
}


def test_the_library_is_large_and_complete():
    ids = [example.id for example in EXAMPLES]
    assert len(ids) >= 15 and len(set(ids)) == len(ids)
    assert set(RESEARCH_QUESTIONS.values()) <= set(ids)
    for example in EXAMPLES:
        for what in ("title", "description"):
            texts = getattr(example, what)
            assert texts["id"] and texts["en"] and texts["id"] != texts["en"], (example.id, what)


def test_a_header_without_both_languages_is_an_error():
    with pytest.raises(ExampleError, match="title@en"):
        parse("broken", "# title@id: Judul\n# description@id: x\n# description@en: y\nSELECT * {}")
    example = parse("ok", "# title@id: A\n# title@en: B\n# description@id: C\n# description@en: D\n"
                          "# needs: partner data\nASK {}")
    assert example.title == {"id": "A", "en": "B"} and example.needs == {"id": "partner data", "en": "partner data"}
    example = parse("ok", "# title@id: A\n# title@en: B\n# description@id: C\n# description@en: D\n"
                          "# needs@id: data mitra\n# needs@en: partner data\nASK {}")
    assert example.needs == {"id": "data mitra", "en": "partner data"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_example_runs_and_returns_rows_on_the_curated_graph(live_server, example):
    response = requests.post(live_server.url + "/sparql", data={"query": example.query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    if example.needs:
        return  # runs; its rows depend on data loaded besides the curated graph
    assert rows, f"{example.id} returns no rows on the curated graph"
    assert "X-Coopkg-Truncated" not in response.headers


def test_examples_are_served_for_other_tools(live_server):
    listed = requests.get(live_server.url + "/query/examples.json").json()
    assert [e["id"] for e in listed] == [e.id for e in EXAMPLES]
    first = EXAMPLES[0]
    text = requests.get(f"{live_server.url}/query/examples/{first.id}.rq")
    assert text.headers["Content-Type"].startswith("application/sparql-query")
    assert text.text == (EXAMPLES_DIR / f"{first.id}.rq").read_text(encoding="utf-8")


def test_query_page_lists_examples_in_both_languages(live_server):
    for lang in ("id", "en"):
        page = requests.get(live_server.url + "/query", params={"lang": lang}).text
        for example in EXAMPLES:
            assert str(escape(example.title[lang])) in page, (lang, example.id)
    chosen = requests.get(live_server.url + "/query", params={"example": EXAMPLES[0].id}).text
    assert 'class="example chosen"' in chosen
    assert requests.get(live_server.url + "/query", params={"example": "no-such-example"}).status_code == 404


def test_query_page_escapes_a_shared_query(live_server):
    hostile = 'SELECT * { ?s ?p "</textarea><script>alert(1)</script>" }'
    page = requests.get(live_server.url + "/query", params={"query": hostile}).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
