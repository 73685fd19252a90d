"""The catalogue in the EU Core Public Service Vocabulary Application Profile (CPSV-AP 3.2), as JSON-LD.

The context is embedded (no remote fetch) and maps short terms to the CPSV-AP IRIs; each matter becomes a
`PublicService` whose parts are nodes with IRIs under the matter's page URL (materials and conditions use the
anchors the page already has). Gaps of CPSV-AP against the Chinese model (legal vs promised time, visits,
complaint channels, steps) are simply not exported here; the JSON export has everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import situations
from ..model import Catalogue
from ..schema import Department, Matter
from ..schema.common import UNSTATED, Contact, ContactType
from ..schema.matter import LegalBasis, Material
from ..schema.situations import Situation
from ..settings import Settings
from ..text import plain
from ..urls import url_of, with_situation

LANGUAGE = "zh-CN"
_CNY = "http://publications.europa.eu/resource/authority/currency/CNY"
_ZHO = "http://publications.europa.eu/resource/authority/language/ZHO"

_PREFIXES = {
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "adms": "http://www.w3.org/ns/adms#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_TYPES = {
    "Dataset": "dcat:Dataset",
    "PublicService": "cpsv:PublicService",
    "PublicOrganisation": "cv:PublicOrganisation",
    "Evidence": "cv:Evidence",
    "Requirement": "cv:Requirement",
    "Cost": "cv:Cost",
    "Channel": "cv:Channel",
    "LegalResource": "eli:LegalResource",
    "Output": "cv:Output",
    "ContactPoint": "cv:ContactPoint",
    "Concept": "skos:Concept",
}
_TEXT = {"@language": LANGUAGE}
_LINK = {"@type": "@id"}
_TERMS = {
    "identifier": {"@id": "dct:identifier"},
    "name": {"@id": "dct:title", **_TEXT},
    "description": {"@id": "dct:description", **_TEXT},
    "keyword": {"@id": "dcat:keyword", **_TEXT},
    "prefLabel": {"@id": "skos:prefLabel", **_TEXT},
    "language": {"@id": "dct:language", **_LINK},
    "isPartOf": {"@id": "dct:isPartOf", **_LINK},
    "hasCompetentAuthority": {"@id": "cv:hasCompetentAuthority", **_LINK},
    "hasInput": {"@id": "cpsv:hasInput", **_LINK},
    "holdsRequirement": {"@id": "cv:holdsRequirement", **_LINK},
    "hasSupportingEvidence": {"@id": "cv:hasSupportingEvidence", **_LINK},
    "hasCost": {"@id": "cv:hasCost", **_LINK},
    "hasChannel": {"@id": "cv:hasChannel", **_LINK},
    "hasLegalResource": {"@id": "cv:hasLegalResource", **_LINK},
    "produces": {"@id": "cpsv:produces", **_LINK},
    "contactPoint": {"@id": "cv:contactPoint", **_LINK},
    "relatedService": {"@id": "cv:relatedService", **_LINK},
    "processingTime": {"@id": "cv:processingTime", "@type": "xsd:duration"},
    "status": {"@id": "adms:status", **_LINK},
    "currency": {"@id": "cv:currency", **_LINK},
    "hasValue": {"@id": "cv:hasValue", "@type": "xsd:double"},
    "isDefinedBy": {"@id": "cv:isDefinedBy", **_LINK},
    "telephone": {"@id": "cv:telephone"},
    "contactPage": {"@id": "cv:contactPage", **_LINK},
    "page": {"@id": "foaf:page", **_LINK},
    "landingPage": {"@id": "dcat:landingPage", **_LINK},
    "publisher": {"@id": "dct:publisher"},
}
CONTEXT = {**_PREFIXES, **_TYPES, **_TERMS}

_STATES = {"在办": "active", "暂停": "suspended", "取消": "cancelled", "合并": "merged", "下放": "delegated"}


def cpsv_graph(catalogue: Catalogue, settings: Settings) -> Iterator[dict]:
    """The nodes of the catalogue's `@graph` (the document is `{"@context": CONTEXT, "@graph": [...]}`), one at a
    time, so that thousands of services are serialised without holding them all."""
    dataset = settings.site_url + "api/cpsv-ap.jsonld"
    yield {
        "@id": dataset, "@type": "Dataset", "name": settings.site_name,
        "publisher": {"@type": "foaf:Agent", "foaf:name": settings.operator},
        "landingPage": settings.site_url, "language": _ZHO,
    }
    yield from (_organisation(settings, d) for d in catalogue.departments.values())
    yield from ({"@id": f"{dataset}#status-{slug}", "@type": "Concept", "prefLabel": label} for label, slug in _STATES.items())
    yield from (_service(catalogue, settings, dataset, m) for m in catalogue.matters.values())


def _organisation(settings: Settings, d: Department) -> dict:
    return {"@id": settings.site_url + url_of("department", d.id), "@type": "PublicOrganisation", "identifier": d.uscc,
            "prefLabel": d.name, "contactPoint": {"@type": "ContactPoint", "telephone": d.phone}}


def _service(catalogue: Catalogue, settings: Settings, dataset: str, m: Matter) -> dict:
    page = settings.site_url + url_of("matter", m.id)
    authority = settings.site_url + url_of("department", m.authority.body)
    service = {
        "@id": page,
        "@type": "PublicService",
        "identifier": m.codes.implementation,
        "name": m.name,
        "description": plain(m.summary),
        "keyword": [*m.popular_names, *m.topics],
        "language": _ZHO,
        "isPartOf": dataset,
        "status": f"{dataset}#status-{_STATES[m.status.state]}",
        "hasCompetentAuthority": authority,
        "processingTime": m.time_limits.promised.iso8601(),
        "holdsRequirement": [{"@id": f"{page}#{c.id}", "@type": "Requirement", "identifier": c.id, "name": plain(c.text)} for c in m.conditions]
                            + [_situation(page, m, s) for s in m.situations],
        "hasInput": [_evidence(page, x) for x in m.materials],
        "hasCost": _costs(page, m, authority),
        "hasChannel": _channels(catalogue, page, m),
        "hasLegalResource": [_legal(page, i, b) for i, b in enumerate(m.legal_basis, start=1)],
        "produces": {"@id": f"{page}#result", "@type": "Output", "name": m.result.name, "description": str(m.result.type)},
        "contactPoint": [_contact(c) for c in m.contacts.consult],
        "relatedService": [settings.site_url + url_of("matter", r) for r in m.related],
    }
    return {k: v for k, v in service.items() if v != []}


def _situation(page: str, m: Matter, s: Situation) -> dict:
    """A named situation as a requirement its evidence supports: the materials of the build's own case for it."""
    case = situations.situation_case(m, s)
    return {"@id": f"{page}#case-{s.id}", "@type": "Requirement", "identifier": f"situation:{s.id}", "name": s.name,
            "description": "；".join(filter(None, (situations.describe(m, case.answers), s.summary))), "page": [with_situation(page, s.id)],
            "hasSupportingEvidence": [f"{page}#{x.id}" for x in case.materials]}


def _legal(page: str, number: int, b: LegalBasis) -> dict:
    """A basis may give only its 文号 (no title) and no article."""
    where = "".join(filter(None, (f"（{b.doc_no}）" if b.title and b.doc_no else None, b.article)))
    node = {"@id": f"{page}#basis-{number}", "@type": "LegalResource", "name": b.title or b.doc_no}
    description = "：".join(filter(None, (where, b.excerpt)))
    return {**node, "description": description} if description else node


def _contact(c: Contact) -> dict:
    if c.type is ContactType.PHONE:
        return {"@type": "ContactPoint", "telephone": c.value}
    if c.type is ContactType.ONLINE:
        return {"@type": "ContactPoint", "contactPage": c.value}
    return {"@type": "ContactPoint", "description": f"窗口：{c.value}"}


def _copies(x: Material) -> str:
    if UNSTATED in (x.originals, x.copies):
        return "份数以窗口告知为准"
    return f"原件 {x.originals} 份，复印件 {x.copies} 份"


def _evidence(page: str, x: Material) -> dict:
    parts = [str(x.necessity), _copies(x) if not x.exempt else "免提交（数据共享获取）", f"来源：{x.source}"]
    if x.condition:
        parts.append(f"需要的情形：{x.condition}")
    if x.notes:
        parts.append(plain(x.notes))
    node: dict[str, Any] = {"@id": f"{page}#{x.id}", "@type": "Evidence", "identifier": x.id, "name": x.name, "description": "；".join(parts)}
    if x.blank_form or x.sample:
        node["page"] = [u for u in (x.blank_form, x.sample) if u]
    return node


def _costs(page: str, m: Matter, authority: str) -> list[dict]:
    if not m.fees.charged:
        return [{"@id": f"{page}#cost", "@type": "Cost", "identifier": "cost", "hasValue": 0.0, "currency": _CNY, "description": "不收费",
                 "isDefinedBy": authority}]
    return [{"@id": f"{page}#cost-{i}", "@type": "Cost", "identifier": f"cost-{i}", "currency": _CNY, "isDefinedBy": authority,
             "description": f"{f.name}：{f.standard}（依据：{f.basis}）{'，可申请减免' if f.reducible else ''}"}
            for i, f in enumerate(m.fees.items, start=1)]


def _channels(catalogue: Catalogue, page: str, m: Matter) -> list[dict]:
    channels = []
    if m.channels.online:
        channels.append({"@id": f"{page}#channel-online", "@type": "Channel", "identifier": "online", "page": m.channels.online.url,
                         "description": "网上办理：" + "、".join(m.channels.online.depth)})
    for hall in catalogue.halls_of(m):
        channels.append({"@id": f"{page}#channel-{hall.id}", "@type": "Channel", "identifier": hall.id,
                         "description": f"窗口办理：{hall.name}（{hall.address}）"})
    return channels
