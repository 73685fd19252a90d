"""schema.org `GovernmentService` and `FAQPage` for a matter page, so search engines can answer "where, how
long, how much" and show the page's questions directly.

The template embeds the result with Jinja's `tojson`, which escapes `<`, `>`, `&` and `'`: no text can close
the script element it sits in.
"""

from __future__ import annotations

from ..model import Catalogue
from ..schema import Hall, Matter
from ..settings import Settings
from ..text import plain
from ..urls import url_of


def matter_jsonld(catalogue: Catalogue, settings: Settings, m: Matter) -> dict:
    page = settings.site_url + url_of("matter", m.id)
    dept = catalogue.department_of(m)
    service = {
        "@type": "GovernmentService",
        "@id": f"{page}#service",
        "name": m.name,
        "description": plain(m.summary),
        "url": page,
        "identifier": m.codes.implementation,
        "serviceType": str(m.matter_type),
        "category": list(m.topics),
        "audience": [{"@type": "Audience", "audienceType": str(a)} for a in m.audience],
        "provider": {"@type": "GovernmentOrganization", "name": dept.name, "telephone": dept.phone,
                     "url": settings.site_url + url_of("department", dept.id)},
        "availableChannel": _channels(catalogue, m),
        "offers": _offers(m),
    }
    if m.popular_names:
        service["alternateName"] = list(m.popular_names)
    graph = [service]
    if m.faq:
        graph.append({
            "@type": "FAQPage",
            "@id": f"{page}#faq",
            "url": page,
            "mainEntity": [{"@type": "Question", "name": f.q, "acceptedAnswer": {"@type": "Answer", "text": plain(f.a)}} for f in m.faq],
        })
    return {"@context": "https://schema.org", "@graph": graph}


def _offers(m: Matter) -> list[dict]:
    if not m.fees.charged:
        return [{"@type": "Offer", "price": "0", "priceCurrency": "CNY", "description": "不收费"}]
    return [{"@type": "Offer", "priceCurrency": "CNY", "name": f.name, "description": f"{f.standard}（依据：{f.basis}）"} for f in m.fees.items]


def _channels(catalogue: Catalogue, m: Matter) -> list[dict]:
    time = m.time_limits.promised.iso8601()
    channels = []
    if m.channels.online:
        channels.append({"@type": "ServiceChannel", "name": "网上办理", "serviceUrl": m.channels.online.url, "processingTime": time})
    channels += [_hall_channel(h, time) for h in catalogue.halls_of(m)]
    return channels


def _hall_channel(h: Hall, time: str) -> dict:
    return {"@type": "ServiceChannel", "name": f"{h.name}窗口办理", "processingTime": time,
            "servicePhone": {"@type": "ContactPoint", "telephone": h.phone},
            "serviceLocation": {"@type": "GovernmentOffice", "name": h.name, "address": h.address, "telephone": h.phone}}
