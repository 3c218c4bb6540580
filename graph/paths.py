"""Where the project's own files live (the package is installed in editable mode from the checkout)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ROOT / "shapes"
DATA_DIR = ROOT / "data"
QUERIES_DIR = Path(__file__).resolve().parent / "queries"
EXAMPLES_DIR = ROOT / "examples"
DEFAULT_STORE_DIR = ROOT / "var"
