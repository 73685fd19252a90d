"""Reference files generated from the code must match what is committed (Datasette-style drift tests)."""

from __future__ import annotations

import json

from build_tools.commands.gen_docs import expected_files
from build_tools.schema import CONTENT_TYPES

from .support import REPO


def test_committed_reference_files_match_the_code():
    stale = [rel for rel, text in expected_files().items() if not (REPO / rel).exists() or (REPO / rel).read_text(encoding="utf-8") != text]
    assert stale == [], f"run `python -m build_tools gen-docs`: {stale}"


def test_every_content_file_points_its_editor_at_the_schema():
    for ctype in CONTENT_TYPES:
        for path in (REPO / ctype.folder).glob("*.yaml"):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../schemas/{ctype.name}.schema.json", path


def test_json_schema_marks_internal_fields_and_has_chinese_descriptions():
    schema = json.loads((REPO / "schemas" / "matter.schema.json").read_text(encoding="utf-8"))
    props = schema["properties"]
    assert props["staff_notes"]["x-internal"] is True
    assert "事项名称" in props["name"]["description"]
    assert "additionalProperties" in json.dumps(schema)


def test_field_reference_lists_every_field_once():
    text = (REPO / "docs" / "fields.md").read_text(encoding="utf-8")
    for name in ("materials[].necessity", "time_limits.promised.value", "status.successor", "channels.window.halls"):
        assert f"<code>{name}</code>" in text
