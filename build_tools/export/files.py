"""What the build publishes under `api/`: the catalogue as open data.

It is given the audience's view of the catalogue, so a public build exports the public view: internal fields
are already empty (and left out of the JSON) before anything here runs.

    api/matters.json            every matter: its full data plus page URL, short code and short URL
    api/matters/<id>.json       the same record, one file per matter
    api/catalogue.xlsx          the spreadsheet tables of `tables.py` (the import format: re-importable)
    api/catalogue.csv           the matter sheet; api/catalogue.<slug>.csv the other sheets
    api/cpsv-ap.jsonld          the EU CPSV-AP catalogue of public services
"""

from __future__ import annotations

import datetime as dt
import json

from ..model import Catalogue
from ..qr.links import short_url
from ..schema import Matter
from ..settings import Settings
from ..urls import url_of
from .cpsv import cpsv_catalogue
from .tables import catalogue_tables
from .workbook import csv_files, xlsx_bytes

#: Document date of a workbook without matters; otherwise it is dated by the newest verification.
_EPOCH = dt.date(2000, 1, 1)


def export_files(catalogue: Catalogue, settings: Settings) -> dict[str, bytes]:
    matters = list(catalogue.matters.values())
    records = [matter_record(catalogue, settings, m) for m in matters]
    tables = catalogue_tables([m.model_dump(mode="json") for m in matters])
    as_of = max((m.review.last_verified for m in matters), default=_EPOCH)  # the workbook's date changes only with the data
    files = {
        "api/matters.json": _json({"site_name": settings.site_name, "site_url": settings.site_url, "sample_data": settings.sample_data,
                                   "count": len(records), "matters": records}),
        "api/cpsv-ap.jsonld": _json(cpsv_catalogue(catalogue, settings)),
        "api/catalogue.xlsx": xlsx_bytes(tables, as_of),
    }
    files.update({f"api/matters/{r['id']}.json": _json(r) for r in records})
    files.update({f"api/{name}": data for name, data in csv_files("catalogue", tables).items()})
    return files


def matter_record(catalogue: Catalogue, settings: Settings, m: Matter) -> dict:
    code = catalogue.code_of("matter", m.id)
    return {**m.model_dump(mode="json", exclude_none=True), "url": settings.site_url + url_of("matter", m.id), "code": code,
            "short_url": short_url(settings, code)}


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
