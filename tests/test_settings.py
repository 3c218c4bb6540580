"""Every setting is documented, and the documentation is the one generated from the code."""
from dataclasses import fields
from pathlib import Path

import pytest

from coopkg.graph.settings import Settings, settings_markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def test_every_setting_has_a_description():
    undocumented = [f.name for f in fields(Settings) if not f.metadata.get("doc")]
    assert undocumented == []


def test_docs_settings_md_is_current():
    assert DOC.read_text(encoding="utf-8") == settings_markdown(), \
        "docs/settings.md is stale: run `python -m coopkg.graph.settings > docs/settings.md`"


def test_values_come_from_prefixed_environment_variables(tmp_path):
    settings = Settings.from_env({"COOPKG_QUERY_TIMEOUT": "2.5", "COOPKG_MAX_ROWS": "7",
                                  "COOPKG_DATA_DIR": str(tmp_path), "QUERY_TIMEOUT": "99"})
    assert (settings.query_timeout, settings.max_rows, settings.data_dir) == (2.5, 7, tmp_path)


def test_a_malformed_value_names_the_variable():
    with pytest.raises(ValueError, match="COOPKG_MAX_ROWS"):
        Settings.from_env({"COOPKG_MAX_ROWS": "many"})
