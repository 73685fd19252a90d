"""What citizen search indexes, taken from the model: one document per page a citizen can land on.

The documents are live matters (those with a 办事攻略 page) and each of their named situations (办理情形: "变更法人"
finds 企业变更登记 opened at that case), scenario guides, halls, departments and public SOPs;
tombstones and lists are not indexed, so a cancelled matter never shows up as a result. Each document is a list of
(text, weight) fields — the text a citizen finds the page by, not everything on it: a matter's name, other names
and their synonyms, summary, conditions, materials, steps and FAQ questions; not addresses, hours, codes, fees or
history (the hall filter covers "where"). Reading the model instead of the built HTML lets the index be made
beside the pages, from the moment the content is validated.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import situations
from ..model import Catalogue
from ..text import plain
from ..urls import url_of, with_situation
from .analyzer import Rules, fold

#: Field weights: the page title (its heading plus the title metadata of the page), the words a matter is also
#: known by (other names, old names of matters merged into it, synonyms), step headings, and running text. Whole
#: numbers: a field counts as if it were written that many times (compact.py counts them so).
TITLE, TERMS, HEADING, BODY = 12, 5, 5, 1


@dataclass(frozen=True)
class Document:
    url: str                                 # "/matters/x/", from the site root
    title: str
    snippet: str                             # shown under the title in the results
    fields: tuple[tuple[str, int], ...]      # (text, weight)
    filters: tuple[tuple[str, str], ...] = ()  # (filter, value): department, hall, audience
    department: str | None = None
    matter: str | None = None                # a matter's id (best bets name matters)
    situation: str | None = None             # a named situation of that matter (its page opened at that case)


def documents(cat: Catalogue, rules: Rules) -> list[Document]:
    """Every indexed page of `cat`, in a stable order (matters by id, then guides, halls, departments, SOPs)."""
    synonyms = Synonyms(rules)
    out = []
    for m in sorted(cat.matters.values(), key=lambda m: m.id):
        if cat.has_guide_page(m):
            out += [_matter(cat, m, synonyms), *(_situation(cat, m, s, synonyms) for s in m.situations)]
    out += [_guide(g) for _, g in sorted(cat.guides.items())]
    out += [Document("/" + url_of("hall", h.id), h.name, h.address, ((h.name, TITLE), (h.address, BODY), (h.transport, BODY)))
            for _, h in sorted(cat.halls.items())]
    out += [Document("/" + url_of("department", d.id), d.name, d.short_name, ((d.name, TITLE), (d.short_name, TERMS)))
            for _, d in sorted(cat.departments.items())]
    out += [_sop(s) for _, s in sorted(cat.sops.items())]
    return out


def _matter(cat: Catalogue, m, synonyms: Synonyms) -> Document:
    dept = cat.department_of(m)
    fields: list[tuple[str, int]] = [(m.name, TITLE), *((n, TERMS) for n in m.popular_names)]
    fields += [(w, TERMS) for w in synonyms.expansions([m.name, *m.popular_names])]
    fields += [(p.name, TERMS) for p in cat.predecessors(m)]
    fields += [(plain(m.summary), BODY), *((plain(c.text), BODY) for c in m.conditions), *((x.name, BODY) for x in m.materials)]
    for step in m.steps:
        fields += [(step.title, HEADING), (plain(step.text), BODY)]
    fields += [(f.q, BODY) for f in m.faq]
    fields += [(g.title, BODY) for g in cat.guides_for(m)]
    return Document("/" + url_of("matter", m.id), m.name, plain(m.summary), tuple(fields), _filters(cat, m), dept.name, m.id)


def _filters(cat: Catalogue, m) -> tuple[tuple[str, str], ...]:
    """What a matter (and each of its situations) is filtered by: department, hall, audience."""
    return (("department", cat.department_of(m).name), *(("hall", h.name) for h in cat.halls_of(m)), *(("audience", a) for a in m.audience))


def _situation(cat: Catalogue, m, s, synonyms: Synonyms) -> Document:
    """A named case: found by its own name (and the words it is also known by), with the matter's name as context;
    its snippet lists what that case must bring, as the page shows it."""
    case = situations.situation_case(m, s)
    bring = "、".join(x.name for x in case.materials if not x.exempt)
    fields = ((s.name, TITLE), *((w, TERMS) for w in synonyms.expansions([s.name])), (m.name, BODY), (plain(s.summary or ""), BODY),
              (situations.describe(m, case.answers), BODY))
    return Document(with_situation("/" + url_of("matter", m.id), s.id), f"{m.name}：{s.name}", s.summary or f"要带：{bring}", fields,
                    _filters(cat, m), cat.department_of(m).name, m.id, s.id)


def _guide(g) -> Document:
    fields = [(g.title, TITLE), *((n, TERMS) for n in g.popular_names), (plain(g.summary), BODY)]
    for step in g.steps:
        fields += [(step.title, HEADING), (plain(step.text), BODY)]
    return Document("/" + url_of("guide", g.id), g.title, plain(g.summary), tuple(fields))


def _sop(s) -> Document:
    fields = [(s.title, TITLE), *((plain(i.text), BODY) for i in s.items), *((plain(st.action), BODY) for st in s.steps)]
    fields += [(p.situation, BODY) for p in s.phrases]
    opening = next((plain(i.text) for i in s.items), "") or next((plain(st.action) for st in s.steps), "")
    return Document("/" + url_of("sop", s.id), s.title, opening, tuple(fields))


class Synonyms:
    """The reviewed synonym groups, applied to names."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.words = sorted(w for g in rules.synonyms for w in g)

    def expansions(self, names: list[str]) -> list[str]:
        """What a matter is also found by: its names folded (full-width, traditional) where that changes them, and
        the synonyms (search/synonyms.yaml) of words its names contain (社会保障卡 → 社保卡、市民卡)."""
        folded = [fold(n) for n in names]
        text = " ".join(folded)
        extra = [f for n, f in zip(names, folded) if f != n]
        extra += sorted({syn for word in self.words if word in text for syn in self.rules.related(word) if syn not in text})
        return extra
