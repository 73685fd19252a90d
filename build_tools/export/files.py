"""What the build publishes under `api/`: the catalogue as open data.

It is given the audience's view of the catalogue, so a public build exports the public view: internal fields
are already empty (and left out of the JSON) before anything here runs.

    api/matters.json            every matter: its full data plus page URL, short code and short URL
    api/matters/<id>.json       the same record, one file per matter
    api/catalogue.xlsx          the spreadsheet tables of `tables.py` (the import format: re-importable)
    api/catalogue.csv           the matter sheet; api/catalogue.<slug>.csv the other sheets
    api/cpsv-ap.jsonld          the EU CPSV-AP catalogue of public services

JSON is written compact (no indentation), UTF-8, one line per file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import orjson

from .. import situations
from ..model import Catalogue
from ..schema import Matter
from ..settings import Settings
from ..urls import short_url, url_of, with_situation
from .cpsv import CONTEXT, cpsv_graph
from .tables import catalogue_tables
from .workbook import csv_files, xlsx_bytes

#: Document date of a workbook without matters; otherwise it is dated by the newest verification.
_EPOCH = dt.date(2000, 1, 1)
#: zlib level of the workbook: a city's workbook is tens of megabytes of XML, and a low level deflates it far sooner than
#: the default for files only a little larger. The committed import template, a few kB, keeps the default (and its bytes).
_XLSX_LEVEL = 2


def export_files(catalogue: Catalogue, settings: Settings) -> dict[str, bytes]:
    matters = list(catalogue.matters.values())
    texts: list[bytes] = []

    def records() -> Iterator[dict]:
        """Each record is serialised (its own file, and an item of matters.json) and tabulated in one pass, then
        dropped: holding all the record trees at once would give the garbage collector all of them to walk."""
        for m in matters:
            record = matter_record(catalogue, settings, m)
            texts.append(_json(record))
            yield record

    tables = catalogue_tables(records())  # a field left out of a record for being None reads as None: a blank cell
    as_of = max((m.review.last_verified for m in matters), default=_EPOCH)  # the workbook's date changes only with the data
    head = {"site_name": settings.site_name, "site_url": settings.site_url, "sample_data": settings.sample_data, "count": len(matters)}
    files = {
        "api/matters.json": _document(head, "matters", texts),
        "api/cpsv-ap.jsonld": _document({"@context": CONTEXT}, "@graph", map(_json, cpsv_graph(catalogue, settings))),
        "api/catalogue.xlsx": xlsx_bytes(tables, as_of, compresslevel=_XLSX_LEVEL),
    }
    files.update({f"api/matters/{m.id}.json": text + b"\n" for m, text in zip(matters, texts)})
    files.update({f"api/{name}": data for name, data in csv_files("catalogue", tables).items()})
    return files


def matter_record(catalogue: Catalogue, settings: Settings, m: Matter) -> dict:
    code = catalogue.code_of("matter", m.id)
    record = {**m.model_dump(mode="json", exclude_none=True), "url": settings.site_url + url_of("matter", m.id), "code": code,
              "short_url": short_url(settings, code)}
    if m.situations:  # what each named situation needs, as the build computed it (a reader need not apply `when`)
        record["situation_cases"] = [{"id": s.id, "url": with_situation(record["url"], s.id),
                                      "materials": [x.id for x in situations.situation_case(m, s).materials]}
                                     for s in m.situations]
    return record


def _json(value: object) -> bytes:
    """Compact: these files are read by programs, and indentation would only add bytes. orjson writes the
    UTF-8 of `json.dumps(value, ensure_ascii=False, separators=(",", ":"))`, without the detour through str."""
    return orjson.dumps(value)


def _document(head: dict, key: str, items: Iterable[bytes]) -> bytes:
    """`head` with one more key, a list of items already serialised: the same bytes as `_json` of the whole."""
    return _json(head)[:-1] + b"," + _json(key) + b":[" + b",".join(items) + b"]}\n"
