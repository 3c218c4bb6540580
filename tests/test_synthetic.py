"""The synthetic national registry: same seed same bytes, the size asked for, every province, valid."""
import io
import re
import tracemalloc
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from coopkg.cli import main
from coopkg.graph import synthetic

ROOT = Path(__file__).resolve().parent.parent
CKG = "https://w3id.org/coopkg/ontology#"


def generated(triples: int, seed: int) -> tuple[str, synthetic.Counts]:
    out = io.StringIO()
    counts = synthetic.generate(out, triples, seed)
    return out.getvalue(), counts


def quads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))


def test_same_seed_gives_the_same_bytes_and_another_seed_other_data():
    a, _ = generated(5000, seed=7)
    b, _ = generated(5000, seed=7)
    c, _ = generated(5000, seed=8)
    assert a == b
    assert a != c
    assert len(set(a.splitlines()) ^ set(c.splitlines())) > 1000


@pytest.mark.parametrize("target", [10_000, 37_000])
def test_size_is_the_target_within_two_percent_and_valid_nquads(target):
    text, counts = generated(target, seed=1)
    parsed = quads(text)
    assert target <= counts.triples <= target * 1.02
    assert len(parsed) == counts.triples == text.count("\n")
    assert len(set(parsed)) == len(parsed), "no quad is written twice"


def test_every_province_has_cooperatives_at_a_moderate_size():
    text, counts = generated(100_000, seed=2)
    coop_type = ox.NamedNode(CKG + "Cooperative")
    province = ox.NamedNode(CKG + "province")
    parsed = quads(text)
    coops = {q.subject for q in parsed if q.object == coop_type}
    provinces = {q.object.value for q in parsed if q.predicate == province and q.subject in coops}
    ontology_provinces = set(re.findall(r"^place:([a-z0-9-]+) a ckg:Province",
                                        (ROOT / "ontology/concepts/province.ttl").read_text(), re.M))
    assert len(ontology_provinces) == 38
    assert {p.rsplit("/", 1)[1] for p in provinces} == ontology_provinces
    assert counts.as_dict()["provinces"] == 38


def test_it_holds_every_kind_of_thing_and_people_in_several_organisations():
    text, counts = generated(20_000, seed=3)
    parsed = quads(text)
    types = Counter(q.object.value.removeprefix(CKG) for q in parsed
                    if q.predicate.value.endswith("#type") and q.object.value.startswith(CKG))
    for kind in ("Cooperative", "Person", "Position", "DirectoryEntry", "Programme", "City", "Regency", "Venue",
                 "RegionalGovernmentOffice"):
        assert types[kind] > 0, kind
    assert sum(types[k] for k, *_ in synthetic.EVENTS) == counts.events > 0
    assert sum(types[k] for k, *_ in synthetic.COLLABORATIONS) == counts.collaborations > 0
    models = {q.object.value.rsplit("/", 1)[1] for q in parsed if q.predicate.value == CKG + "cooperativeModel"}
    assert models == {m[0] for m in synthetic.MODELS}
    member = "http://www.w3.org/ns/org#member"
    orgs_of = {}
    positions = {q.subject: q.object for q in parsed if q.predicate.value == member}
    for q in parsed:
        if q.predicate.value == "http://www.w3.org/ns/org#organization" and q.subject in positions:
            orgs_of.setdefault(positions[q.subject], set()).add(q.object)
    assert sum(1 for orgs in orgs_of.values() if len(orgs) >= 2) > 20
    graphs = {q.graph_name.value for q in parsed}
    assert any("/graph/partner/" in g for g in graphs) and any("/graph/linkset/" in g for g in graphs)
    same_as = [q for q in parsed if q.predicate.value.endswith("#sameAs")]
    assert len(same_as) == counts.partner_records > 0


def test_memory_stays_flat_as_the_size_grows():
    class Null:
        def writelines(self, lines):
            pass

    def peak(triples):
        tracemalloc.start()
        synthetic.generate(Null(), triples, seed=1)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(10_000), peak(60_000)
    assert large < small * 1.5 + 256_000, (small, large)


def test_generated_data_conforms_to_the_shapes():
    validation = pytest.importorskip("coopkg.graph.validation")
    import rdflib

    text, _ = generated(4000, seed=4)
    triples = ox.serialize([q.triple for q in quads(text)], format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph().parse(data=triples, format="nt")
    # focus_only: the provinces come from the ontology and point at the curated gazetteer's Indonesia;
    # what is checked is everything the generator itself describes.
    report = validation.validate(graph, focus_only=True)
    violations = [(str(r.focus_node), r.message("en")) for r in report.results if r.severity_name == "violation"]
    assert report.conforms, violations[:5]


def test_generate_command_writes_the_file(tmp_path):
    out = tmp_path / "registry.nq"
    result = CliRunner().invoke(main, ["generate", "--triples", "3000", "--seed", "5", "--quiet", str(out)])
    assert result.exit_code == 0, result.output
    assert "cooperatives" in result.output
    text = out.read_text()
    assert text == generated(3000, seed=5)[0]
