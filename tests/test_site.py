"""The built sample site, read as a citizen's browser would get it (HTML files on disk)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from build_tools.model import Audience, build_catalogue
from build_tools.publish import build
from build_tools.schema.matter import State
from build_tools.validate import validate_tree

from .support import REPO, build_copy, copy_project


@pytest.fixture(scope="module")
def catalogue():
    result = validate_tree(REPO)
    assert result.ok, "\n".join(map(str, result.problems))
    return build_catalogue(result.parsed)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_copy(tmp_path_factory.mktemp("public"))


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


class Resources(HTMLParser):
    """Every URL the browser would fetch by itself (not links the user may click)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("rel") not in ("canonical", "alternate") and a.get("href"):
            self.urls.append(a["href"])


def test_sample_meets_the_brief(catalogue):
    assert len(catalogue.matters) >= 40
    assert len(catalogue.departments) >= 8 and len(catalogue.halls) >= 6
    assert len(catalogue.guides) >= 3 and len(catalogue.sops) >= 8
    states = {m.status.state for m in catalogue.matters.values()}
    assert State.CANCELLED in states and State.DELEGATED in states
    names = " ".join(m.name for m in catalogue.matters.values())
    for required in ("企业设立登记", "企业变更登记", "企业注销登记", "个体工商户设立登记", "食品经营许可", "个人股权转让", "法人一证通",
                     "发票代开", "完税证明", "生育登记", "社会保障卡", "定点医疗机构", "档案查询", "残疾人证", "城乡居民基本养老保险",
                     "城乡居民基本医疗保险", "失业登记", "就业创业证", "灵活就业", "最低生活保障", "养老助残卡", "公共租赁住房", "结婚登记"):
        assert required in names, required
    split = [m for m in catalogue.matters.values() if m.situations]
    assert len(split) >= 10 and all(len(m.examples) >= 2 for m in split), [m.id for m in split]
    streets = {h.street for h in catalogue.halls.values() if h.street}
    assert len(streets) == 15  # Xicheng's 15 streets, each with its street hall


def test_sample_uses_only_fictional_contacts():
    pattern = re.compile(r"(?<![0-9A-Z-])(?:0\d{2,3}-\d{3,4}-?\d{4}|1[3-9]\d{9})(?![0-9A-Z-])")
    for path in REPO.glob("*/*.yaml"):
        text = path.read_text(encoding="utf-8")
        for number in pattern.findall(text):
            assert number.startswith("010-0000-"), f"{path}: {number}"
        for url in re.findall(r"https?://[^\s\"'）)]+", text):
            assert re.match(r"https?://([a-z0-9-]+\.)*example\.gov\.cn(/|$)", url), f"{path}: {url}"


def test_every_live_matter_page_has_the_guide(site, catalogue):
    for m in catalogue.live_matters():
        html = page(site, f"matters/{m.id}")
        assert m.name in html
        assert 'id="steps"' in html and 'id="materials"' in html and 'id="time-fees"' in html
        for material in m.materials:
            assert material.name in html, (m.id, material.name)
        for step in m.steps:
            assert step.title in html, (m.id, step.title)
        assert str(m.time_limits.legal) in html
        assert ("不收费" in html) if not m.fees.charged else all(f.standard in html for f in m.fees.items)
        answer = html.index("bk-answer")
        assert answer < html.index('id="steps"'), "the answer box comes before the steps"


def test_cancelled_matter_is_a_tombstone_not_a_404(site, catalogue):
    for m in catalogue.matters.values():
        if m.status.state is State.CANCELLED:
            html = page(site, f"matters/{m.id}")
            assert "已取消" in html and str(m.status.since) in html and m.status.reason in html
            for alt in m.status.alternatives:
                assert f"matters/{alt}/" in html


def test_merged_and_delegated_matters_lead_to_successor(site, catalogue):
    for m in catalogue.matters.values():
        if m.status.state in (State.MERGED, State.DELEGATED):
            html = page(site, f"matters/{m.id}")
            assert f"matters/{catalogue.final_successor(m).id}/" in html


def test_no_page_loads_anything_from_another_host(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 60
    for path in pages:
        parser = Resources()
        parser.feed(path.read_text(encoding="utf-8"))
        for url in parser.urls:
            assert not re.match(r"^(https?:)?//", url), f"{path.relative_to(site)} loads {url}"
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8")):
            assert not re.match(r"^['\"]?(https?:)?//", url), f"{css} loads {url}"
        assert "@import" not in css.read_text(encoding="utf-8") or "fonts.googleapis" not in css.read_text(encoding="utf-8")


def test_every_page_says_sample_data(site):
    for path in site.rglob("index.html"):
        html = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # a short-code redirect stub, not a page
        assert "示例数据" in html, path


def test_navigation_does_not_list_every_matter(site, catalogue):
    """Output per page must not grow with the number of matters: matters are not in the nav."""
    home = page(site, "")
    nav = home[home.index('class="md-nav md-nav--primary"'):home.index("</nav>", home.index('class="md-nav md-nav--primary"'))]
    assert "matters/" not in nav


def test_hall_page_lists_what_can_be_done_there(site, catalogue):
    for h in catalogue.halls.values():
        html = page(site, f"halls/{h.id}")
        assert h.address in html
        for m in catalogue.matters_at(h):
            assert f"matters/{m.id}/" in html


def test_browse_by_hall_leads_to_each_hall_with_what_it_handles(site, catalogue):
    """One short entry per hall (address, hours, how many matters, a link), not every matter again under every
    hall: the hall's own page lists them."""
    html = page(site, "browse/halls")
    article = html[html.index("<article"):html.index("</article>")]
    entries = {re.search(r'href="../../halls/([^/]+)/"', e).group(1): e for e in article.split("<h2")[1:]}
    assert set(entries) == set(catalogue.halls)
    for h in catalogue.halls.values():
        own = [m for m in catalogue.matters_at(h) if m.channels.window and h.id in m.channels.window.halls]
        shared = len(catalogue.matters_at(h)) - len(own)
        entry = entries[h.id]
        assert h.address in entry
        assert (f">{len(own)} 个事项</a>" in entry) == bool(own) and (f">{shared} 个同区通办事项</a>" in entry) == bool(shared)
    assert "matters/" not in article


def test_staff_sops_are_absent_from_public_build(site, catalogue):
    for s in catalogue.sops.values():
        exists = (site / "sop" / s.id / "index.html").exists()
        assert exists == (s.audience == "公开"), s.id


def test_staff_build_has_sops_and_edit_links(tmp_path_factory, catalogue):
    staff = build_copy(tmp_path_factory.mktemp("staff"), Audience.STAFF)
    for s in catalogue.sops.values():
        assert (staff / "sop" / s.id / "index.html").exists()
    m = next(m for m in catalogue.live_matters() if catalogue.sops_for(m))
    html = page(staff, f"matters/{m.id}")
    assert f"sop/{catalogue.sops_for(m)[0].id}/" in html
    assert "matters/" + m.id + ".yaml" in html
    sop = next(iter(catalogue.sops))
    assert f"sop/{sop}.yaml" in page(staff, f"sop/{sop}"), "staff pages link to the YAML source for editing"


def test_matter_pages_poured_into_the_shell_read_like_renderer_pages(site, catalogue):
    """Matter pages skip MkDocs (render/shell.py): each still has its own title, description, address, table of
    contents and sitemap entry, and no placeholder or shell is left in the site."""
    assert not list(site.glob("*/_shell"))
    for path in site.rglob("*.html"):
        assert "BKSHELL" not in path.read_text(encoding="utf-8"), path
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "_shell" not in sitemap
    m = catalogue.matters["qiye-sheli-dengji"]
    html = page(site, "matters/qiye-sheli-dengji")
    assert f"<title>{m.name} - " in html
    assert re.search(r'<meta name="description" content="在西城区新开办[^"]*">', html)
    assert '<link rel="canonical" href="http://127.0.0.1:8000/matters/qiye-sheli-dengji/">' in html
    sections = re.findall(r'<h2 id="([^"]+)"', html)
    toc = re.findall(r'<a href="#([^"]+)" class="md-nav__link">', html)
    assert sections[:3] == ["steps", "conditions", "materials"] and toc == sections
    assert '<a href="#' + re.search(r'<h1 id="([^"]+)"', html).group(1) + '" class="md-skip">' in html
    live = [x for x in catalogue.matters.values() if x.status.state not in (State.CANCELLED, State.MERGED, State.DELEGATED)]
    for x in live:
        assert f"<loc>http://127.0.0.1:8000/matters/{x.id}/</loc>" in sitemap


def test_a_shell_the_theme_changed_fails_loudly():
    from build_tools.mkdocs_adapter.shell import Shell, ShellError

    with pytest.raises(ShellError, match="页面外壳"):
        Shell.parse("<html><body><h1>没有占位内容</h1></body></html>", "matters/_shell/")


@pytest.mark.parametrize("audience, jobs", [(Audience.PUBLIC, 2), (Audience.STAFF, 2), (Audience.PUBLIC, 1)])
def test_the_release_build_and_a_plain_mkdocs_build_publish_the_same_site(tmp_path, audience, jobs):
    """`build` makes pages and outputs in a pool of worker processes (or, with one job, all in this process), sets
    long lists aside from MkDocs and makes the outputs beside it; `mkdocs build` through the hook does it all in
    one process, in order. Both must publish the same files, byte for byte."""
    root = copy_project(tmp_path / "project")
    build(root, audience, tmp_path / "release", jobs=jobs)
    env = {**os.environ, "BAIKE_AUDIENCE": audience.value, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-d", str(tmp_path / "plain")], cwd=root, env=env, check=True)
    files = {side: {p.relative_to(tmp_path / side): p for p in sorted((tmp_path / side).rglob("*")) if p.is_file()}
             for side in ("release", "plain")}
    assert files["release"].keys() == files["plain"].keys()
    assert len(files["release"]) > 100
    differ = [str(rel) for rel, path in files["release"].items() if path.read_bytes() != files["plain"][rel].read_bytes()]
    assert not differ, differ[:10]


def test_a_matter_applied_for_online_or_at_a_window_draws_one_flow_for_each(site):
    html = page(site, "matters/qiye-biangeng-dengji/")
    flows = re.findall(r'<svg class="bk-flow" role="img" aria-label="([^"]+)"', html)
    assert [f.split("：")[0] for f in flows] == ["网上办理流程图", "到窗口办理流程图"]
    online, window = flows
    assert "网上填报变更信息" in online and "到窗口提交纸质材料" not in online
    assert "到窗口提交纸质材料" in window and "网上填报变更信息" not in window
    assert "等待审核结果" in online and "等待审核结果" in window  # steps both ways share
    simple = re.findall(r'<svg class="bk-flow" role="img" aria-label="([^"：]+)：', page(site, "matters/dangan-chaxun/"))
    assert simple == ["办理流程图"]


def test_a_hall_page_states_its_published_indicators_one_window_and_window_kinds(site):
    html = page(site, "halls/district-hall/")
    assert re.search(r"<th scope=\"row\">平均等候时间</th><td>8–10 分钟</td><td>示例数据：[^<]+（<time datetime=\"2026-01-15\">", html)
    assert "“一口进、一口出”" in html and 'href="https://example.gov.cn/yuyue/district-hall/"' in html
    assert re.search(r"A01 爱心窗口 <span class=\"bk-tag\">绿色通道</span>", html)
    street = page(site, "halls/desheng-street-hall/")
    assert "服务街道</th><td>德胜街道" in street
