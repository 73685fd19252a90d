"""Exports (出口): the api/ files of a build and the schema.org JSON-LD in matter pages, read as a consumer
would (json, csv, openpyxl), on private copies of the sample."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from build_tools.export import export_files
from build_tools.export.spreadsheetml import _ILLEGAL_CHARACTERS, Worksheet, _column_letter, workbook_bytes
from build_tools.export.tables import MATTERS, SHEETS, headers, uncovered_fields
from build_tools.load.registry import REGISTRY, assign, dump, load_registry
from build_tools.model import Audience, load_catalogue, view
from build_tools.publish import build
from build_tools.schema.matter import State
from build_tools.settings import load_settings
from build_tools.validate import validate_tree

from .support import copy_project

SENTINEL = "内部哨兵-7f3a"
SENTINEL_PHONE = "010-9999-7373"
ISO_DURATION = re.compile(r"^P(?:\d+D|T(?:\d+[HMS]))$")


def make_project(dest: Path) -> Path:
    """A private copy of the sample with a short code for every object."""
    root = copy_project(dest)
    parsed = validate_tree(root).parsed
    entries, _, _ = load_registry(root)
    known = {"matter": set(parsed.matters), "sop": set(parsed.sops), "guide": set(parsed.guides), "hall": set(parsed.halls)}
    (root / REGISTRY).parent.mkdir(exist_ok=True)
    (root / REGISTRY).write_text(dump(assign(entries, known, dt.date(2026, 11, 1))), encoding="utf-8")
    return root


def exports(root: Path, audience: Audience = Audience.PUBLIC) -> dict[str, bytes]:
    return export_files(view(load_catalogue(root), audience), load_settings(root))


def readable_text(name: str, data: bytes) -> str:
    """What a consumer can read out of a file: an XLSX is a zip, so its members are read unpacked."""
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
    return data.decode("utf-8-sig")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("export") / "p")


@pytest.fixture(scope="module")
def catalogue(project):
    return load_catalogue(project)


@pytest.fixture(scope="module")
def files(project) -> dict[str, bytes]:
    return exports(project)


def expand(term: str, context: dict) -> str:
    """A JSON-LD term or compact IRI as a full IRI, by the document's own context."""
    value = context.get(term, term)
    value = value["@id"] if isinstance(value, dict) else value
    prefix, _, rest = value.partition(":")
    return context[prefix] + rest if prefix in context and not rest.startswith("//") else value


def test_every_schema_field_has_a_column():
    assert uncovered_fields() == []


def test_matters_json_has_every_matter_with_url_and_short_code(files, catalogue):
    assert files["api/matters.json"].count(b"\n") == 1, "compact: one line"
    data = json.loads(files["api/matters.json"])
    assert data["count"] == len(catalogue.matters) == len(data["matters"])
    for record in data["matters"]:
        assert record["code"] == catalogue.code_of("matter", record["id"])
        assert record["url"].endswith(f"/matters/{record['id']}/")
        assert record["short_url"].endswith(f"/Q/{record['code']}")
        assert json.loads(files[f"api/matters/{record['id']}.json"]) == record
    change = next(r for r in data["matters"] if r["id"] == "qiye-biangeng-dengji")
    assert [s["id"] for s in change["situations"]] == [c["id"] for c in change["situation_cases"]]
    assert next(c for c in change["situation_cases"] if c["id"] == "jianshi")["materials"] == ["m1", "m2", "m6"]
    big = next(r for r in data["matters"] if r["id"] == "qiye-sheli-dengji")
    assert big["materials"][0]["id"] == "m1" and big["time_limits"]["legal"]["unit"] == "工作日"


def test_cpsv_ap_catalogue_parses_and_uses_the_cpsv_ap_classes(files, catalogue):
    doc = json.loads(files["api/cpsv-ap.jsonld"])
    context, graph = doc["@context"], doc["@graph"]
    by_id = {node["@id"]: node for node in graph if "@id" in node}
    services = [n for n in graph if expand(n["@type"], context) == "http://purl.org/vocab/cpsv#PublicService"]
    assert len(services) == len(catalogue.matters)
    expected = {
        "hasCompetentAuthority": "http://data.europa.eu/m8g/hasCompetentAuthority",
        "hasInput": "http://purl.org/vocab/cpsv#hasInput",
        "holdsRequirement": "http://data.europa.eu/m8g/holdsRequirement",
        "hasCost": "http://data.europa.eu/m8g/hasCost",
        "hasChannel": "http://data.europa.eu/m8g/hasChannel",
        "hasLegalResource": "http://data.europa.eu/m8g/hasLegalResource",
        "processingTime": "http://data.europa.eu/m8g/processingTime",
        "status": "http://www.w3.org/ns/adms#status",
        "identifier": "http://purl.org/dc/terms/identifier",
        "name": "http://purl.org/dc/terms/title",
        "description": "http://purl.org/dc/terms/description",
    }
    assert {term: expand(term, context) for term in expected} == expected
    classes = {
        "hasInput": "http://data.europa.eu/m8g/Evidence",
        "holdsRequirement": "http://data.europa.eu/m8g/Requirement",
        "hasCost": "http://data.europa.eu/m8g/Cost",
        "hasChannel": "http://data.europa.eu/m8g/Channel",
        "hasLegalResource": "http://data.europa.eu/eli/ontology#LegalResource",
    }
    for service in services:
        m = catalogue.matters[service["@id"].rstrip("/").rsplit("/", 1)[1]]
        assert service["identifier"] == m.codes.implementation and service["name"] == m.name and service["description"]
        authority = by_id[service["hasCompetentAuthority"]]
        assert expand(authority["@type"], context) == "http://data.europa.eu/m8g/PublicOrganisation"
        assert ISO_DURATION.match(service["processingTime"]), service["processingTime"]
        assert by_id[service["status"]]["prefLabel"] == m.status.state
        for prop, cls in classes.items():
            for node in service.get(prop, []):
                assert expand(node["@type"], context) == cls, (m.id, prop)
        assert len(service.get("hasInput", [])) == len(m.materials) and len(service["holdsRequirement"]) == len(m.conditions) + len(m.situations)
        assert service["hasCost"] and len(service["hasLegalResource"]) == len(m.legal_basis)
    change = next(s for s in services if s["name"] == "企业变更登记")
    supervisor = next(r for r in change["holdsRequirement"] if r["identifier"] == "situation:jianshi")
    assert expand("hasSupportingEvidence", context) == "http://data.europa.eu/m8g/hasSupportingEvidence"
    assert supervisor["name"] == "只变更监事" and [e.rsplit("#", 1)[1] for e in supervisor["hasSupportingEvidence"]] == ["m1", "m2", "m6"]
    assert all(e in by_id or e in {x["@id"] for x in change["hasInput"]} for e in supervisor["hasSupportingEvidence"])


def test_csv_and_xlsx_have_one_row_per_matter_under_stable_chinese_headers(files, catalogue):
    rows = list(csv.reader(io.StringIO(files["api/catalogue.csv"].decode("utf-8-sig"))))
    assert rows[0] == headers(MATTERS) and rows[0][:2] == ["事项 id", "事项名称"]
    assert [r[0] for r in rows[1:]] == list(catalogue.matters)
    wb = openpyxl.load_workbook(io.BytesIO(files["api/catalogue.xlsx"]), read_only=True)
    assert wb.sheetnames == [s.name for s in SHEETS]
    sheet_rows = list(wb[MATTERS.name].iter_rows(values_only=True))
    assert list(sheet_rows[0]) == headers(MATTERS)
    assert [r[0] for r in sheet_rows[1:]] == list(catalogue.matters)
    materials = list(wb["申请材料"].iter_rows(values_only=True))
    assert len(materials) - 1 == sum(len(m.materials) for m in catalogue.matters.values())
    for sheet in SHEETS[1:]:
        assert f"api/catalogue.{sheet.slug}.csv" in files


def test_workbook_reads_back_as_written():
    """The XLSX is written directly (spreadsheetml.py), so read it back the way an editor's Excel would see it."""
    rows = [["000201", 3, None, "=SUM(A1)", "第一行\n第二行", " 前后空格 "], ["000201", 0, "", "", "", "x"]]
    sheet = Worksheet("表", ["编码", "数", "空", "公式", "多行", "空格"], rows, range(1, 4), {3: ("是", "否")})
    data = workbook_bytes([sheet], dt.datetime(2026, 1, 2), "build_tools")
    assert workbook_bytes([sheet], dt.datetime(2026, 1, 2), "build_tools") == data
    ws = openpyxl.load_workbook(io.BytesIO(data))["表"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [["000201", 3, None, "=SUM(A1)", "第一行\n第二行", " 前后空格 "],
                                                                           ["000201", 0, None, None, None, "x"]]
    assert ws.cell(2, 4).data_type == "s", "text that looks like a formula stays text"
    assert ws.freeze_panes == "A2" and all(c.font.b for c in ws[1])
    assert ws.cell(2, 1).number_format == "@" and ws.column_dimensions["A"].number_format == "@" and ws.column_dimensions["D"].number_format == "General"
    assert ws.cell(2, 5).alignment.wrap_text and not ws.cell(2, 1).alignment.wrap_text
    assert [(str(v.sqref), v.formula1) for v in ws.data_validations.dataValidation] == [("C2:C1048576", '"是,否"')]
    assert ws.column_dimensions["E"].width == 8 and ws.column_dimensions["F"].width == 2 * len(" 前后空格 ") + 2


def test_exports_are_reproducible_byte_for_byte(project, files):
    """A rebuild of unchanged content must not touch the published files (and live reload stays quiet)."""
    assert exports(project) == files


def test_public_exports_hold_no_internal_values(tmp_path):
    root = make_project(tmp_path / "p")
    matter = root / "matters" / "qiye-sheli-dengji.yaml"
    text = matter.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^staff_notes:.*$", f"staff_notes: {SENTINEL}", text)
    text = re.sub(r"(?m)^internal_phone:.*$", f"internal_phone: {SENTINEL_PHONE}", text)
    matter.write_text(text.replace("verified_by: ", f"verified_by: {SENTINEL}"), encoding="utf-8")
    hall = root / "halls" / "district-hall.yaml"
    hall.write_text(re.sub(r"(?m)^duty_phone:.*$", f"duty_phone: {SENTINEL_PHONE}", hall.read_text(encoding="utf-8")), encoding="utf-8")
    public = exports(root)
    for name, data in public.items():
        text = readable_text(name, data)
        assert SENTINEL not in text and SENTINEL_PHONE not in text, name
    staff = exports(root, Audience.STAFF)
    assert SENTINEL in readable_text("api/catalogue.xlsx", staff["api/catalogue.xlsx"])
    assert SENTINEL_PHONE in staff["api/matters/qiye-sheli-dengji.json"].decode("utf-8")
    assert SENTINEL_PHONE in (root / "halls" / "district-hall.yaml").read_text(encoding="utf-8")


class JsonLd(HTMLParser):
    """The text of every <script type="application/ld+json"> element, as a browser would delimit it."""

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks[-1] += data


def test_built_matter_pages_embed_government_service_and_faq_jsonld_that_no_content_can_break_out_of(tmp_path):
    root = make_project(tmp_path / "p")
    matter = root / "matters" / "qiye-sheli-dengji.yaml"
    hostile = "先关闭</script><script>alert(1)</script>再说"
    text = matter.read_text(encoding="utf-8").replace("  - q: 开公司要先准备多少钱？", f"  - q: 开公司要先准备多少钱？{hostile}", 1)
    matter.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    build(root, Audience.PUBLIC, site)
    assert (site / "api" / "matters.json").is_file() and (site / "api" / "cpsv-ap.jsonld").is_file()
    html = (site / "matters" / "qiye-sheli-dengji" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    parser = JsonLd()
    parser.feed(html)
    assert len(parser.blocks) == 1
    graph = json.loads(parser.blocks[0])["@graph"]
    service, faq = graph
    assert service["@type"] == "GovernmentService" and service["name"].startswith("企业设立登记")
    assert service["provider"]["@type"] == "GovernmentOrganization"
    assert all(c["@type"] == "ServiceChannel" and ISO_DURATION.match(c["processingTime"]) for c in service["availableChannel"])
    assert faq["@type"] == "FAQPage"
    questions = [q["name"] for q in faq["mainEntity"]]
    assert f"开公司要先准备多少钱？{hostile}" in questions
    assert all(q["@type"] == "Question" and q["acceptedAnswer"]["@type"] == "Answer" for q in faq["mainEntity"])
    cancelled = next(m.id for m in load_catalogue(root).matters.values() if m.status.state is State.CANCELLED)
    assert "application/ld+json" not in (site / "matters" / cancelled / "index.html").read_text(encoding="utf-8")


def test_the_workbook_writer_names_columns_and_refuses_characters_as_openpyxl_does():
    """spreadsheetml.py writes these two itself (a build does not import openpyxl): they must agree with it."""
    assert [_column_letter(n) for n in range(1, 16385)] == [get_column_letter(n) for n in range(1, 16385)]
    assert [bool(_ILLEGAL_CHARACTERS.match(chr(c))) for c in range(0x3000)] == [bool(ILLEGAL_CHARACTERS_RE.match(chr(c))) for c in range(0x3000)]
