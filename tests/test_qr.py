"""Permanent short codes and QR codes: decoded with a real decoder, followed to real pages, and kept
working through renames, merges and cancellations."""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
import yaml

from build_tools.cli import main as cli
from build_tools.load.registry import REGISTRY, load_registry
from build_tools.model import load_catalogue
from build_tools.qr.links import ErrorLevel, line_path, make_qr, png
from build_tools.settings import load_settings
from build_tools.validate import validate_tree

from .support import REPO, build_copy, copy_project

zxingcpp = pytest.importorskip("zxingcpp")
from PIL import Image  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_copy(tmp_path_factory.mktemp("qr"))


def stub_target(stub: Path) -> Path:
    html = stub.read_text(encoding="utf-8")
    url = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html).group(1)
    return (stub.parent / url.split("#")[0]).resolve() / "index.html"


def test_every_png_decodes_to_its_short_url(site):
    """The site publishes the PNG each matter page offers to download, and no other."""
    settings = load_settings(REPO)
    pngs = sorted((site / "qr").glob("*.png"))
    offered = {(page.parent / m).resolve() for page in (site / "matters").glob("*/index.html")
               for m in re.findall(r'<a href="([^"]+\.png)" download>', page.read_text(encoding="utf-8"))}
    assert len(pngs) >= 35 and {p.resolve() for p in pngs} == offered
    for image in pngs:
        results = zxingcpp.read_barcodes(Image.open(image))
        assert [r.text for r in results] == [f"{settings.short_url_base.upper()}/Q/{image.stem}"], image.name


#: Short URLs as the site prints them: every kind of code, with and without a placement.
_SHORT_URLS = ([f"HTTPS://XC.EXAMPLE.GOV.CN/Q/{kind}{n:04d}" for kind in "MSGH" for n in range(0, 10000, 199)]
               + [f"HTTPS://XC.EXAMPLE.GOV.CN/Q/M{n:04d}/W{n % 40}" for n in range(0, 1000, 37)])


def _alphanumeric(n: int) -> str:
    rng = random.Random(n)
    return "".join(rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:") for _ in range(10 + n))


def test_make_qr_is_as_small_as_segno_s_at_the_exact_level_and_decodes():
    for url in _SHORT_URLS[::5] + [_alphanumeric(n) for n in range(0, 140, 7)]:
        for level in ErrorLevel:
            qr = make_qr(url, level)
            assert qr.error == level.value.upper()
            assert qr.version == segno.make_qr(url, error=level.value, boost_error=False).version, (url, level)
            assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png(qr))))] == [url], (url, level)


def _segnos(url: str, qr) -> segno.QRCode:
    """segno's symbol for `url` with the mask zxing-cpp chose; fails unless one of segno's eight is `qr`."""
    for mask in range(8):
        theirs = segno.make_qr(url, error=qr.error, boost_error=False, mask=mask)
        if tuple(bytes(row) for row in theirs.matrix) == qr.matrix:
            return theirs
    raise AssertionError(f"{url}: no symbol of segno's has the modules zxing-cpp drew")


def test_short_url_symbols_are_segno_s_and_so_are_their_images():
    """For the short URLs the site prints, zxing-cpp's symbol is segno's with one of its eight masks (same mode,
    error correction blocks and format information); and links.png and links.line_path, written by hand for speed,
    give the images segno would write: the page's SVG path as segno's, the PNG pixel for pixel (its zlib level is
    faster)."""
    for url in _SHORT_URLS:
        for level in ErrorLevel:
            qr = make_qr(url, level)
            theirs = _segnos(url, qr)
            segnos_svg, segnos_png = io.BytesIO(), io.BytesIO()
            theirs.save(segnos_svg, kind="svg", border=4, scale=4, xmldecl=False, title="二维码")
            theirs.save(segnos_png, kind="png", border=4, scale=8)
            assert re.search(rb' d="([^"]+)"', segnos_svg.getvalue()).group(1).decode() == line_path(qr), (url, level)
            ours, segnos = Image.open(io.BytesIO(png(qr))), Image.open(segnos_png)
            assert (ours.mode, ours.size, ours.tobytes()) == (segnos.mode, segnos.size, segnos.tobytes()), (url, level)


def test_codes_use_alphanumeric_mode_and_exact_error_level():
    qr = make_qr("HTTPS://XC.EXAMPLE.GOV.CN/Q/M0001")
    assert qr.error == "M" and qr.version == 2  # 33 characters fit version 2-M only in alphanumeric mode (byte mode: 26)
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(png(qr))))[0].text == "HTTPS://XC.EXAMPLE.GOV.CN/Q/M0001"
    assert make_qr("HTTPS://XC.EXAMPLE.GOV.CN/Q/M0001", ErrorLevel.Q).error == "Q"


def test_every_short_url_leads_to_an_existing_page(site):
    entries, _, _ = load_registry(REPO)
    stubs = sorted((site / "Q").glob("*/index.html"))
    public = {c for c, e in entries.items() if e.kind != "sop" or (site / "sop" / e.id).exists()}
    assert {s.parent.name for s in stubs} == public
    for stub in stubs:
        target = stub_target(stub)
        assert target.is_file(), f"{stub.parent.name} -> {target}"
        assert 'rel="canonical"' in stub.read_text(encoding="utf-8")


def test_server_rules_cover_every_code(site):
    nginx = (site / "short-links.nginx.conf").read_text(encoding="utf-8")
    apache = (site / "short-links.apache.conf").read_text(encoding="utf-8")
    for stub in (site / "Q").glob("*/index.html"):
        code = stub.parent.name
        assert f"~*^/q/{code}(" in nginx and f"^q/{code}(" in apache


def _set(path: Path, **changes) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_old_codes_still_resolve_after_rename_merge_and_cancel(tmp_path):
    root = copy_project(tmp_path / "p")
    entries, _, _ = load_registry(root)
    code_of = {(e.kind, e.id): c for c, e in entries.items()}
    matters = root / "matters"
    # Rename: the name changes, the id (and so the code) does not.
    _set(matters / "fapiao-daikai.yaml", name="代开增值税发票（自然人）")
    # Merge: 个体工商户注销登记 merges into 企业注销登记.
    _set(matters / "geti-gongshanghu-zhuxiao-dengji.yaml",
         status={"state": "合并", "since": "2026-01-01", "reason": "与企业注销登记合并办理", "successor": "qiye-zhuxiao-dengji"})
    # Cancel: 完税证明 is cancelled.
    _set(matters / "wanshui-zhengming.yaml",
         status={"state": "取消", "since": "2026-02-01", "reason": "纳税记录改为在电子税务局自助打印", "alternatives": []})
    result = validate_tree(root)
    assert result.ok, "\n".join(map(str, result.problems))
    site = root / "site"
    assert cli(["build", "--root", str(root), "--out", str(site), "--no-booklets"]) == 0
    renamed = stub_target(site / "Q" / code_of[("matter", "fapiao-daikai")] / "index.html")
    assert "代开增值税发票（自然人）" in renamed.read_text(encoding="utf-8")
    merged_stub = (site / "Q" / code_of[("matter", "geti-gongshanghu-zhuxiao-dengji")] / "index.html").read_text(encoding="utf-8")
    assert "matters/qiye-zhuxiao-dengji/#from-geti-gongshanghu-zhuxiao-dengji" in merged_stub
    successor = (site / "matters" / "qiye-zhuxiao-dengji" / "index.html").read_text(encoding="utf-8")
    assert 'id="from-geti-gongshanghu-zhuxiao-dengji"' in successor
    cancelled = stub_target(site / "Q" / code_of[("matter", "wanshui-zhengming")] / "index.html").read_text(encoding="utf-8")
    assert "已取消" in cancelled and "纳税记录改为在电子税务局自助打印" in cancelled


def test_a_deleted_item_with_a_code_fails_validation(tmp_path):
    root = copy_project(tmp_path / "p")
    (root / "matters" / "wanshui-zhengming.yaml").unlink()
    text = str(next(p for p in validate_tree(root).problems if "wanshui-zhengming" in p.message and "短码" in p.message))
    assert text.startswith("registry/codes.yaml:") and "已经印出去的二维码不能失效" in text


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize("edit, message", [
    (lambda t: re.sub(r"\n  M0002: .*", "", t), "被删除了"),
    (lambda t: re.sub(r"(\n  M0002: \{kind: matter, id: )[a-z-]+", r"\1qiye-sheli-dengji", t), "不能改指向"),
])
def test_removed_or_reused_code_fails_the_check(tmp_path, capsys, edit, message):
    root = copy_project(tmp_path / "p")
    _committed(root)
    registry = root / REGISTRY
    registry.write_text(edit(registry.read_text(encoding="utf-8")), encoding="utf-8")
    assert cli(["codes", "check", "--root", str(root), "--base", "HEAD"]) == 1
    assert message in capsys.readouterr().out


def _committed(root: Path) -> None:
    _git(root, "init", "-q")
    _git(root, "-c", "user.email=t@example.gov.cn", "-c", "user.name=t", "add", REGISTRY.as_posix())
    _git(root, "-c", "user.email=t@example.gov.cn", "-c", "user.name=t", "commit", "-qm", "codes")


def _rename(root: Path, old: str, new: str) -> None:
    """What an editor does to change a matter's id: the file, its id, every reference, and the code's entry."""
    (root / "matters" / f"{old}.yaml").rename(root / "matters" / f"{new}.yaml")
    for path in [*root.glob("*/*.yaml"), root / REGISTRY]:
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(rf"\b{old}\b(?!-)", new, text), encoding="utf-8")
    registry = root / REGISTRY
    text = registry.read_text(encoding="utf-8")
    registry.write_text(re.sub(rf"(id: {new}, issued: [0-9-]+)\}}", rf"\1, renamed_from: [{old}]}}", text), encoding="utf-8")


def test_a_renamed_matter_keeps_its_code_and_its_old_address_redirects(tmp_path, capsys):
    """Issue #20: after a rename the QR code worked but `matters/<old id>/` was a 404 for old links and bookmarks."""
    root = copy_project(tmp_path / "p")
    _committed(root)
    code = next(c for c, e in load_registry(root)[0].items() if e.id == "fapiao-daikai")
    _rename(root, "fapiao-daikai", "fapiao-daikai-ziranren")
    result = validate_tree(root)
    assert result.ok, "\n".join(map(str, result.problems))
    assert cli(["codes", "check", "--root", str(root), "--base", "HEAD"]) == 0
    site = root / "site"
    assert cli(["build", "--root", str(root), "--out", str(site), "--no-booklets", "--quiet"]) == 0
    new_page = site / "matters" / "fapiao-daikai-ziranren" / "index.html"
    assert stub_target(site / "matters" / "fapiao-daikai" / "index.html") == new_page.resolve()
    assert stub_target(site / "Q" / code / "index.html") == new_page.resolve()
    assert "matters/fapiao-daikai/" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    # The earlier id is kept for good, and cannot name another matter (its address would lead two ways).
    registry = root / REGISTRY
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace(", renamed_from: [fapiao-daikai]", ""), encoding="utf-8")
    capsys.readouterr()
    assert cli(["codes", "check", "--root", str(root), "--base", "HEAD"]) == 1
    assert "renamed_from: [fapiao-daikai]" in capsys.readouterr().out
    registry.write_text(text.replace("renamed_from: [fapiao-daikai]", "renamed_from: [wanshui-zhengming]"), encoding="utf-8")
    assert any("原 id“wanshui-zhengming”也是现在一个文件的 id" in p.message for p in validate_tree(root).problems)


@pytest.mark.parametrize("git", [True, False])
def test_codes_check_against_a_base_that_does_not_exist_fails(tmp_path, capsys, git):
    """Issue #20: a mistyped or unfetched base passed CI as 无需比较."""
    root = copy_project(tmp_path / "p")
    if git:
        _committed(root)
    assert cli(["codes", "check", "--root", str(root), "--base", "no-such-branch"]) == 1
    err = capsys.readouterr().err
    assert "找不到 git 版本“no-such-branch”" in err and "检查不通过" in err and "无需比较" not in err


def test_assign_keeps_existing_codes_and_adds_new_ones(tmp_path):
    root = copy_project(tmp_path / "p")
    before, _, _ = load_registry(root)
    shutil.copy(root / "matters" / "wanshui-zhengming.yaml", root / "matters" / "wanshui-zhengming-2.yaml")
    _set(root / "matters" / "wanshui-zhengming-2.yaml", id="wanshui-zhengming-2", codes={"catalog": "000201999000", "implementation": "11110102000201999000X"})
    assert cli(["codes", "assign", "--root", str(root)]) == 0
    after, _, _ = load_registry(root)
    assert all(after[c] == e for c, e in before.items())
    new = [e for c, e in after.items() if c not in before]
    assert [e.id for e in new] == ["wanshui-zhengming-2"]
    assert validate_tree(root).ok


def test_hall_sheet_sizes_follow_the_print_rules(tmp_path):
    from build_tools.model import load_catalogue
    from build_tools.qr.sheets import PROOF, QUIET_ZONE, WINDOW, hall_sheets

    catalogue = load_catalogue(REPO)
    sheets = hall_sheets(catalogue, load_settings(REPO), catalogue.halls["district-hall"], None, ErrorLevel.M, tracked=False)
    cards = [c for s in sheets for c in s.cards]
    assert {c.title for c in cards} == {m.name for m in catalogue.matters_at(catalogue.halls["district-hall"])}
    for c in cards:
        assert c.symbol.error == "M"
        assert c.qr_mm * (c.symbol.modules - 2 * QUIET_ZONE) / c.symbol.modules >= 25, "code ≥ 2.5 cm without the quiet zone"
        assert c.module_mm >= 0.4, "module ≥ 0.4 mm for hand-held scanning"
        assert c.x + (c.width - c.qr_mm) / 2 >= 0 and c.x + c.width <= 210 and c.y + c.height <= 297
    assert WINDOW.qr_mm >= 50 and PROOF.qr_mm >= 25


@pytest.mark.browser
def test_printed_sheet_decodes_in_a_real_renderer(tmp_path):
    """Rasterise the SVG sheet in Chromium at 96 dpi (coarser than any printer) and scan every code."""
    from playwright.sync_api import sync_playwright

    assert cli(["qr", "--root", str(REPO), "--hall", "district-hall", "--window", "B05", "--track", "--out", str(tmp_path)]) == 0
    svg = sorted(tmp_path.glob("district-hall-B05-*.svg"))[0]
    expected = set(re.findall(r'data-qr="([^"]+)"', svg.read_text(encoding="utf-8")))
    assert expected and all(u.endswith("/WB05") for u in expected)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 794, "height": 1123})
        page.goto(svg.as_uri())
        page.screenshot(path=tmp_path / "sheet.png")
        browser.close()
    found = {r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "sheet.png"))}
    assert found == expected


def _nginx_target(nginx: str, uri: str) -> str | None:
    """What nginx's map gives `uri`: the first regex that matches, in file order (map's rule for regexes)."""
    for pattern, target in re.findall(r'^\s+~\*(\S+) "([^"]*)";$', nginx, re.M):
        if re.search(pattern, uri, re.I):
            return target
    return None


def test_a_situation_has_a_short_link_that_opens_its_case(site):
    stub = site / "Q" / "M0021" / "S-JIANSHI" / "index.html"
    text = stub.read_text(encoding="utf-8")
    assert "企业变更登记：只变更监事" in text and 'url=../../../matters/qiye-biangeng-dengji/?s=jianshi"' in text
    assert (site / "matters" / "qiye-biangeng-dengji" / "index.html").is_file()
    nginx = (site / "short-links.nginx.conf").read_text(encoding="utf-8")
    assert _nginx_target(nginx, "/Q/M0021/S-JIANSHI") == "matters/qiye-biangeng-dengji/?s=jianshi"
    assert _nginx_target(nginx, "/q/m0021/s-jianshi/w12/") == "matters/qiye-biangeng-dengji/?s=jianshi"  # a placement suffix too
    assert _nginx_target(nginx, "/Q/M0021") == "matters/qiye-biangeng-dengji/"
    assert _nginx_target(nginx, "/Q/M0021/S-NO-LONGER-LISTED") == "matters/qiye-biangeng-dengji/", "a printed code never breaks"
    apache = (site / "short-links.apache.conf").read_text(encoding="utf-8")
    assert apache.index("^q/M0021/S-JIANSHI(") < apache.index("^q/M0021/s-[a-z0-9-]+(")


def test_a_public_proof_sheet_prints_no_staff_only_sop(tmp_path):
    """Issue #20: `qr --proof` printed the titles of SOPs only staff may see; now it is for the public by default."""
    root = copy_project(tmp_path / "p")
    catalogue = load_catalogue(root)
    internal = [s for s in catalogue.sops.values() if s.audience.value == "内部"]
    public = [s for s in catalogue.sops.values() if s.audience.value == "公开"]
    assert internal and public
    sheets = {}
    for audience in ("public", "staff"):
        assert cli(["qr", "--proof", "--root", str(root), "--out", str(tmp_path / audience), *(["--audience", audience] if audience == "staff" else [])]) == 0
        sheets[audience] = "".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / audience).glob("proof-*.svg")))
    shown = {audience: {s.id for s in catalogue.sops.values() if f"sop:{s.id}<" in text or s.title[:15] in text} for audience, text in sheets.items()}
    assert shown["public"] == {s.id for s in public} and shown["staff"] == {s.id for s in internal + public}
