"""The IRIs coopkg mints and the vocabularies it reuses, in one place."""
from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD

BASE = "https://w3id.org/coopkg/"

#: the ontology (hash namespace; its document is BASE + "ontology")
CKG = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = BASE + "ontology"
#: entities: people, organisations, events, collaborations, places, sources (flat, readable slugs)
KG = Namespace(BASE + "id/")
#: SKOS concepts and concept schemes: BASE + "concept/<scheme>" and BASE + "concept/<scheme>/<code>"
KGC = Namespace(BASE + "concept/")
#: named graphs
GRAPH = Namespace(BASE + "graph/")
ONTOLOGY_GRAPH = GRAPH["ontology"]
SHAPES_GRAPH = GRAPH["shapes"]
PROVENANCE_GRAPH = GRAPH["provenance"]
CONTRIBUTIONS_GRAPH = GRAPH["contributions"]
SOURCE_GRAPH = Namespace(BASE + "graph/source/")
PARTNER_GRAPH = Namespace(BASE + "graph/partner/")
LINKSET_GRAPH = Namespace(BASE + "graph/linkset/")

SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
ESS = Namespace("http://purl.org/essglobal/vocab/v2.0/")

PREFIXES = {
    "ckg": str(CKG),
    "kg": str(KG),
    "kgc": str(KGC),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "org": str(ORG),
    "schema": str(SDO),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "sh": str(SH),
    "wd": str(WD),
}
