"""Validation with the touched part of the store, and accept/reject/revert round trips with provenance,
on a real embedded store initialised with the ontology, shapes and curated data."""
import pyoxigraph as ox
import pytest

from coopkg.graph import provenance
from coopkg.graph.bootstrap import initialise
from coopkg.graph.changeset import ChangeSet, parse_rdf
from coopkg.graph.contribution_validation import after_change, validate_contribution
from coopkg.graph.contributions import ContributionQueue, WrongState
from coopkg.graph.formats import rdf_syntax
from coopkg.graph.store import EmbeddedStore

KG = "https://w3id.org/coopkg/id/"
CKG = "https://w3id.org/coopkg/ontology#"
PROV = "http://www.w3.org/ns/prov#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
FIXTURE_GRAPH = "https://w3id.org/coopkg/graph/source/test-contributions-fixture"
PREFIXES = f"""@prefix ckg: <{CKG}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix kg: <{KG}> .
"""
FIXTURE = PREFIXES + f"""
<{KG}org/fixture-lama> a ckg:Cooperative ; rdfs:label "Koperasi Lama"@id ; ckg:acronym "KL" .
<{KG}org/fixture-mitra> a ckg:Association ; rdfs:label "Asosiasi Mitra"@id .
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("contrib-flow")
    with EmbeddedStore(path / "store", min_workers=0, max_workers=1) as store:
        initialise(store)
        store.load_data(FIXTURE.encode(), rdf_syntax("turtle"), graph=FIXTURE_GRAPH)
        store.data_dir = path
        yield store


@pytest.fixture
def queue(tmp_path):
    return ContributionQueue(tmp_path)


def turtle(text) -> ChangeSet:
    return parse_rdf(PREFIXES + text, rdf_syntax("turtle"))


def quads(store, graph=None):
    return set(store._db.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None))


# ---- validation ----
def test_reference_to_an_existing_organisation_resolves_and_a_missing_one_does_not(store):
    ok = turtle(f"""<{KG}event/v-ok> a ckg:Workshop ; rdfs:label "Lokakarya"@id ;
        schema:startDate "2019-08-06"^^xsd:date ; ckg:participatingOrganisation <{KG}org/fixture-mitra> .""")
    assert validate_contribution(store, ok).violations == []
    bad = turtle(f"""<{KG}event/v-bad> a ckg:Workshop ; rdfs:label "Lokakarya"@id ;
        schema:startDate "2019-08-06"^^xsd:date ; ckg:participatingOrganisation <{KG}org/does-not-exist> .""")
    report = validate_contribution(store, bad)
    assert report.blocking
    assert {p.path for p in report.violations} == {CKG + "participatingOrganisation"}
    assert report.violations[0].value == KG + "org/does-not-exist"


def test_messages_come_in_indonesian_and_english(store):
    report = validate_contribution(store, turtle(f"""<{KG}event/v-dates> a ckg:Workshop ; rdfs:label "X"@id ;
        schema:startDate "2019-08-10"^^xsd:date ; schema:endDate "2019-08-01"^^xsd:date ."""))
    problem = next(p for p in report.violations if "2019-08-01" in (p.value or ""))
    assert problem.message("id") and problem.message("en") and problem.message("id") != problem.message("en")
    assert "tanggal" in problem.message("id").lower() and "date" in problem.message("en").lower()
    graph = report.report_graph  # the RDF report carries both languages too
    languages = {o.language for o in graph.objects(None, ox_sh("resultMessage"))}
    assert {"id", "en"} <= languages


def ox_sh(local):
    import rdflib
    return rdflib.URIRef("http://www.w3.org/ns/shacl#" + local)


def test_a_correction_is_checked_as_the_entity_will_look_after_it(store):
    # Removing the only name of an existing organisation leaves it without one: a violation, although the
    # change set itself adds nothing wrong.
    remove_name = ChangeSet([], [ox.Triple(ox.NamedNode(KG + "org/fixture-lama"), ox.NamedNode(LABEL),
                                           ox.Literal("Koperasi Lama", language="id"))])
    report = validate_contribution(store, remove_name)
    assert report.blocking and any(p.path == LABEL for p in report.violations)
    rename = ChangeSet([ox.Triple(ox.NamedNode(KG + "org/fixture-lama"), ox.NamedNode(LABEL),
                                  ox.Literal("Koperasi Lama Baru", language="id"))], remove_name.remove)
    assert not validate_contribution(store, rename).blocking


def test_validation_reads_only_the_touched_entities_and_what_they_point_at(store):
    changes = turtle(f"""<{KG}org/fixture-lama> ckg:acronym "KLB" .""")
    data, extra = after_change(store, changes)
    assert {str(s) for s in data.subjects()} == {KG + "org/fixture-lama"}
    assert len(data) == 4  # type, label, old acronym, new acronym: nothing else of the store
    assert len(extra) == 0


def test_contributions_may_not_touch_the_ontology_or_provenance(store):
    report = validate_contribution(store, turtle(f'ckg:Cooperative rdfs:label "Bukan koperasi"@id .'))
    assert report.blocking and report.violations[0].shape == "urn:coopkg:policy:protected"


# ---- accept, reject, revert ----
NEW_ORG = f"""<{KG}org/flow-baru> a ckg:Cooperative ; rdfs:label "Koperasi Baru"@id ."""


def test_accept_applies_the_change_with_public_provenance_and_no_contact(store, queue):
    changes = turtle(NEW_ORG + f' <{KG}org/fixture-lama> ckg:acronym "KLX" .')
    changes = ChangeSet(changes.add, [ox.Triple(ox.NamedNode(KG + "org/fixture-lama"), ox.NamedNode(CKG + "acronym"),
                                                ox.Literal("KL"))])
    c = queue.submit(changes, name="Siti Rahma", contact="siti.secret@example.org", comment="dari berita")
    before = quads(store, FIXTURE_GRAPH)
    outcome = provenance.accept(store, queue, c.id, "maintainer-a", "ok")
    assert (outcome.added, outcome.removed) == (3, 1)
    assert outcome.contribution.state == "accepted"
    graph = provenance.contribution_graph(c.id)
    assert {q.triple for q in quads(store, graph)} == set(changes.add)
    assert before - quads(store, FIXTURE_GRAPH) == {ox.Quad(ox.NamedNode(KG + "org/fixture-lama"),
                                                            ox.NamedNode(CKG + "acronym"), ox.Literal("KL"),
                                                            ox.NamedNode(FIXTURE_GRAPH))}
    row = store.select(f"""PREFIX prov: <{PROV}> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
        SELECT ?name ?when ?nick WHERE {{ GRAPH <https://w3id.org/coopkg/graph/provenance> {{
          <{graph}> prov:wasAttributedTo/foaf:name ?name ; prov:generatedAtTime ?when ; prov:wasGeneratedBy ?a .
          ?a prov:qualifiedAssociation/prov:agent/foaf:nick ?nick ; prov:used <{KG}org/fixture-lama> ;
             prov:generated <{KG}org/flow-baru> }} }}""")
    assert [(r["name"].value, r["nick"].value) for r in row] == [("Siti Rahma", "maintainer-a")]
    assert not any("siti.secret" in str(q) or "dari berita" in str(q) for q in quads(store))
    history = provenance.entity_history(store, KG + "org/fixture-lama")
    assert history[0]["id"] == c.id and history[0]["contributor"] == "Siti Rahma" and not history[0]["created"]
    # Revert puts the state back exactly and keeps the record.
    provenance.revert(store, queue, c.id, "maintainer-b", "salah")
    assert quads(store, FIXTURE_GRAPH) == before and quads(store, graph) == set()
    assert provenance.entity_history(store, KG + "org/fixture-lama")[0]["reverted"]
    assert queue.get(c.id).state == "reverted"
    with pytest.raises(WrongState):
        provenance.accept(store, queue, c.id, "maintainer-a")


def test_reject_keeps_the_contribution_on_record_and_out_of_the_store(store, queue):
    c = queue.submit(turtle(f'<{KG}org/flow-rejected> a ckg:Cooperative ; rdfs:label "Ditolak"@id .'), name="X")
    provenance.reject(queue, c.id, "maintainer-a", "duplikat")
    kept = queue.get(c.id)
    assert kept.state == "rejected" and kept.review_comment == "duplikat" and len(kept.changes) == 2
    assert not store.ask(f"ASK {{ <{KG}org/flow-rejected> ?p ?o }}")
    assert [e["action"] for e in queue.events(c.id)] == ["rejected", "submitted"]


def test_revert_with_later_contributions_on_the_same_entity_cascades(store, queue):
    first = queue.submit(turtle(f'<{KG}org/flow-chain> a ckg:Cooperative ; rdfs:label "Rantai"@id .'), name="A")
    provenance.accept(store, queue, first.id, "m")
    label = ox.Triple(ox.NamedNode(KG + "org/flow-chain"), ox.NamedNode(LABEL), ox.Literal("Rantai"  , language="id"))
    second = queue.submit(ChangeSet([ox.Triple(label.subject, label.predicate, ox.Literal("Rantai Baru", language="id"))],
                                    [label]), name="B")
    provenance.accept(store, queue, second.id, "m")
    unrelated = queue.submit(turtle(f'<{KG}org/flow-other> a ckg:Cooperative ; rdfs:label "Lain"@id .'), name="C")
    provenance.accept(store, queue, unrelated.id, "m")
    with pytest.raises(provenance.RevertConflict) as conflict:
        provenance.revert(store, queue, first.id, "m")
    assert [c.id for c in conflict.value.later] == [second.id]
    outcome = provenance.revert(store, queue, first.id, "m", cascade=True)
    assert outcome.also_reverted == (second.id,)
    assert not store.ask(f"ASK {{ <{KG}org/flow-chain> ?p ?o }}")
    assert store.ask(f"ASK {{ <{KG}org/flow-other> ?p ?o }}")  # untouched by the revert
    assert [queue.get(i).state for i in (first.id, second.id, unrelated.id)] == ["reverted", "reverted", "accepted"]
    # Reverting only the later one restores exactly what it replaced.
    again = queue.submit(ChangeSet([ox.Triple(ox.NamedNode(KG + "org/flow-other"), ox.NamedNode(LABEL),
                                              ox.Literal("Lain Lagi", language="id"))],
                                   [ox.Triple(ox.NamedNode(KG + "org/flow-other"), ox.NamedNode(LABEL),
                                              ox.Literal("Lain", language="id"))]), name="D")
    provenance.accept(store, queue, again.id, "m")
    provenance.revert(store, queue, again.id, "m")
    labels = store.select(f"SELECT ?l WHERE {{ <{KG}org/flow-other> <{LABEL}> ?l }}")
    assert [r["l"].value for r in labels] == ["Lain"]


class Crash(BaseException):
    pass


@pytest.mark.parametrize("point, expected", [("accept:intent-written", "pending"),
                                             ("accept:store-applied", "accepted")])
def test_recovery_settles_an_interrupted_accept(store, queue, monkeypatch, point, expected):
    def crash(name):
        if name == point:
            raise Crash(name)
    monkeypatch.setattr(provenance, "crash_point", crash)
    c = queue.submit(turtle(f'<{KG}org/flow-crash-{expected}> a ckg:Cooperative ; rdfs:label "C"@id .'), name="Z")
    with pytest.raises(Crash):
        provenance.accept(store, queue, c.id, "m")
    assert queue.get(c.id).state == "accepting"
    assert provenance.recover(store, queue) == [(c.id, expected)]
    assert queue.get(c.id).state == expected
    applied = store.ask(f"ASK {{ <{KG}org/flow-crash-{expected}> ?p ?o }}")
    assert applied == (expected == "accepted")


# ---- the form ----
def build(store, kind, form):
    from coopkg.graph.contribution_forms import Builder

    def resolve(text, types):  # the name index's job in the service; exact names suffice here
        rows = store.select("SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                            "FILTER(STR(?l) = ?t) }", {"t": ox.Literal(text)})
        return [r["s"].value for r in rows]
    return Builder(store, form, lang="en", resolve=resolve).build(kind)


def test_form_person_with_position_resolves_the_organisation_by_name(store):
    result = build(store, "person", {"name": "Rahma Dewi", "honorific_prefix": "Dr.", "organisation": "Koperasi Lama",
                                     "role": "https://w3id.org/coopkg/concept/role/director", "title": "Direktur",
                                     "start": "2018"})
    assert result.errors == []
    person, position = KG + "person/rahma-dewi", KG + "position/rahma-dewi-fixture-lama"
    assert result.created == [person, position]
    said = {(t.subject.value, t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], t.object.value)
            for t in result.changes.add}
    assert (position, "member", person) in said and (position, "organization", KG + "org/fixture-lama") in said
    assert (person, "honorificPrefix", "Dr.") in said and (position, "startDate", "2018") in said
    assert not validate_contribution(store, result.changes).blocking


def test_form_event_with_participants_and_unknown_names_as_field_errors(store):
    result = build(store, "event", {"type": "Workshop", "name": "Lokakarya Formulir", "start": "2019-08-06",
                                    "participant_1": "Asosiasi Mitra", "participant_2": "Tidak Ada Sama Sekali",
                                    "participant_count": "40"})
    assert [(field, key) for field, key, _ in result.errors] == [("participant_2", "contrib.form.not_found")]
    parties = [t.object.value for t in result.changes.add if t.predicate.value == CKG + "participatingOrganisation"]
    assert parties == [KG + "org/fixture-mitra"]


def test_form_collaboration_and_correction(store):
    result = build(store, "collaboration", {"type": "MemorandumOfUnderstanding", "name": "MoU Uji",
                                            "party_1": "Asosiasi Mitra", "party_2": "Koperasi Lama",
                                            "status": "https://w3id.org/coopkg/concept/collaboration-status/signed"})
    assert result.errors == [] and len([t for t in result.changes.add if t.predicate.value == CKG + "party"]) == 2
    from coopkg.graph.contribution_forms import entity_fields
    fields = entity_fields(store, KG + "org/fixture-mitra")
    form = {"entity_iri": KG + "org/fixture-mitra"}
    for n, row in enumerate(fields):
        form.update({f"p_{n}": row["predicate"], f"old_{n}": row["old"], f"v_{n}": row["text"]})
    label_row = next(n for n, row in enumerate(fields) if row["text"] == "Asosiasi Mitra")
    form[f"v_{label_row}"] = "Asosiasi Mitra Baru"
    form.update({"new_p_1": CKG + "acronym", "new_v_1": "AMB"})
    correction = build(store, "correction", form).changes
    assert [t.object for t in correction.remove] == [ox.Literal("Asosiasi Mitra", language="id")]
    assert {t.object for t in correction.add} == {ox.Literal("Asosiasi Mitra Baru", language="id"),
                                                  ox.Literal("AMB", language="en")}
