"""SPARQL text lives in .rq files beside this module; `load("name")` returns one."""
from functools import cache
from pathlib import Path

_DIR = Path(__file__).resolve().parent


@cache
def load(name: str) -> str:
    return (_DIR / f"{name}.rq").read_text(encoding="utf-8")
