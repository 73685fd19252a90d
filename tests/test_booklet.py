"""Pocket booklets: the PDF read back with poppler (pdftotext, pdftoppm, pdffonts, pdfimages) and a real QR decoder.

Typesetting runs WeasyPrint, not a browser, so these tests are not marked `browser`; the booklets are made once
per module (about 10 s of CPU).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.synth import write as synth
from build_tools.booklet import MIN_QR_MM, OTHER, Size, collation_key, data_version, index_letter, make_booklet, render_pdf
from build_tools.model import Audience, load_catalogue
from build_tools.publish import build
from build_tools.settings import load_settings
from build_tools.urls import short_url

from .conftest import PYTHON
from .support import REPO

zxingcpp = pytest.importorskip("zxingcpp")
from PIL import Image  # noqa: E402

HALL, SMALL_HALL = "district-hall", "hrss-hall"
DPI = 150


def _poppler(*args: str) -> str:
    if shutil.which(args[0]) is None:
        pytest.fail("poppler-utils is not installed: run `make test` (it installs it)")
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


class Pdf:
    """A booklet on disk, with its text split into pages (pdftotext puts a form feed between pages)."""

    def __init__(self, path: Path):
        self.path = path
        self.pages = _poppler("pdftotext", "-layout", str(path), "-").split("\f")[:-1]
        self.flat = [re.sub(r"\s+", "", p) for p in self.pages]

    def first_page(self, code: str) -> int:
        """1-based page where the QR caption of `code` is printed (the first page of that matter)."""
        return next(i + 1 for i, p in enumerate(self.flat) if f"/Q/{code}" in p)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(REPO)


@pytest.fixture(scope="module")
def a5(catalogue, tmp_path_factory) -> Pdf:
    booklet = make_booklet(catalogue, load_settings(REPO), HALL, Size.A5, data_version(REPO), dt.date.today())
    path = tmp_path_factory.mktemp("booklet") / f"{HALL}.pdf"
    path.write_bytes(render_pdf(booklet))
    return Pdf(path)


@pytest.fixture(scope="module")
def a6(tmp_path_factory) -> Pdf:
    """Made through the command line, as a user would."""
    path = tmp_path_factory.mktemp("booklet") / "small.pdf"
    proc = subprocess.run([PYTHON, "-m", "build_tools", "booklet", "--hall", SMALL_HALL, "--size", "A6", "--out", str(path)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return Pdf(path)


def test_every_matter_of_the_hall_is_in_the_booklet_with_its_short_url(catalogue, a5, a6):
    for pdf, hall in ((a5, HALL), (a6, SMALL_HALL)):
        text = "".join(pdf.flat)
        matters = catalogue.matters_at(catalogue.halls[hall])
        assert matters
        for m in matters:
            assert re.sub(r"\s+", "", m.name) in text, m.name
            url = short_url(load_settings(REPO), catalogue.code_of("matter", m.id))
            assert url.split("://")[1].split("/Q/")[0] in text and f"/Q/{catalogue.code_of('matter', m.id)}" in text


def test_only_public_fields_are_printed(catalogue, a5):
    internal = [v for m in catalogue.matters_at(catalogue.halls[HALL]) for v in (m.staff_notes, m.internal_phone) if v]
    assert internal, "the sample should have internal fields to leave out"
    text = "".join(a5.flat)
    assert not [v for v in internal if re.sub(r"\s+", "", v)[:20] in text]


def _flat_text(pdf: Pdf, page: int, left: float, width: float) -> str:
    """Text of an A5 page above its footer, or of one column of it (x and width in points), without white space."""
    fmt = Size.A5.format
    body = (fmt.height_mm - fmt.margin_mm - 4) / 25.4 * 72
    text = _poppler("pdftotext", "-f", str(page), "-l", str(page), "-x", str(int(left)), "-y", "0", "-W", str(int(width)), "-H", str(int(body)),
                    str(pdf.path), "-")
    return re.sub(r"\s+", "", text).replace("•", "·")


def test_contents_and_index_give_the_page_each_matter_starts_on(catalogue, a5):
    matters = catalogue.matters_at(catalogue.halls[HALL])
    starts = {m.id: a5.first_page(catalogue.code_of("matter", m.id)) for m in matters}
    width = Size.A5.format.width_mm / 25.4 * 72
    contents = "".join(_flat_text(a5, page, 0, width) for page in range(2, min(starts.values())))
    for m in matters:
        assert re.search(re.escape(m.name) + r"\.*" + str(starts[m.id]) + r"(?!\d)", contents), m.name
    index_pages = range(next(i for i, p in enumerate(a5.pages) if "按拼音排序" in p) + 1, len(a5.pages))  # up to the back cover
    columns = "".join(_flat_text(a5, page, x, width / 2) for page in index_pages for x in (0, width / 2))
    entries = [(t, m) for m in matters for t in m.popular_names]
    assert len(entries) > len(matters)
    for term, m in entries:
        entry = re.escape(re.sub(r"\s+", "", term) + "·" + m.name) + r"\.*" + str(starts[m.id])
        assert re.search(entry, columns), f"{term} → {m.name} p.{starts[m.id]}"


def test_each_matter_takes_one_or_two_pages(catalogue, a5, a6):
    """Two at most; three for a matter split into situations (its situation table and two journeys)."""
    for pdf, hall in ((a5, HALL), (a6, SMALL_HALL)):
        starts = sorted((pdf.first_page(catalogue.code_of("matter", m.id)), m) for m in catalogue.matters_at(catalogue.halls[hall]))
        index = next(i + 1 for i, p in enumerate(pdf.pages) if "按拼音排序" in p)
        lengths = [(b - a, m) for (a, m), b in zip(starts, [s for s, _ in starts[1:]] + [index])]
        assert [(n, m.id) for n, m in lengths if n > (3 if m.situations else 2)] == []


def test_pages_are_numbered_except_the_covers(a5):
    for n, page in enumerate(a5.pages[1:-1], start=2):
        assert page.strip().splitlines()[-1].strip() == str(n)
    assert a5.pages[0].strip().splitlines()[-1].strip() != "1"


def test_back_cover_has_build_date_and_data_version(a5):
    back = a5.pages[-1]
    assert dt.date.today().isoformat() in back
    assert data_version(REPO).content_hash in back


def test_chinese_fonts_are_embedded_and_qr_codes_are_vector(a5):
    fonts = _poppler("pdffonts", str(a5.path)).splitlines()[2:]
    assert any("NotoSansCJK" in f.replace("-", "") for f in fonts)
    assert all(f.split()[-5] == "yes" for f in fonts), fonts  # the "emb" column
    assert _poppler("pdfimages", "-list", str(a5.path)).splitlines()[2:] == []  # no raster image at all


def test_qr_codes_decode_from_the_rendered_pages_and_are_large_enough(catalogue, a5, tmp_path):
    settings = load_settings(REPO)
    matters = catalogue.matters_at(catalogue.halls[HALL])
    pages = {a5.first_page(catalogue.code_of("matter", m.id)): m for m in matters}
    for page, m in pages.items():
        stem = tmp_path / f"p{page}"
        _poppler("pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(a5.path), str(stem))
        results = zxingcpp.read_barcodes(Image.open(f"{stem}.png"))
        assert [r.text for r in results] == [short_url(settings, catalogue.code_of("matter", m.id))], m.name
        pos = results[0].position
        side_mm = (pos.top_right.x - pos.top_left.x) / DPI * 25.4
        assert side_mm >= MIN_QR_MM * 0.97, f"{m.name}: {side_mm:.1f} mm"  # finder-pattern corners, within a module


def test_popular_names_sort_by_pinyin_with_letter_headings():
    terms = ["上户口", "办社保卡", "开公司", "UKey", "4050 人员", "残疾证"]
    assert sorted(terms, key=collation_key)[2:] == ["办社保卡", "残疾证", "开公司", "上户口"]
    assert [index_letter(t) for t in terms] == ["S", "B", "K", "U", OTHER, "C"]


def test_unknown_hall_is_refused_with_the_list_of_halls(tmp_path):
    proc = subprocess.run([PYTHON, "-m", "build_tools", "booklet", "--hall", "no-such-hall", "--out", str(tmp_path / "x.pdf")],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and HALL in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_data_version_is_the_content_commit_or_a_hash(tmp_path):
    root = tmp_path / "tree"
    synth(root, 3, seed=0)
    plain = data_version(root)
    assert plain.commit is None and re.fullmatch(r"[0-9a-f]{12}", plain.content_hash)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "content"], check=True)
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    assert data_version(root) == type(plain)(plain.content_hash, head, dt.date.today().isoformat())
    matter = next((root / "matters").glob("*.yaml"))
    matter.write_text(matter.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = data_version(root)
    assert changed.commit is None and changed.content_hash != plain.content_hash


def test_release_build_publishes_a_booklet_for_every_hall_page_that_links_one(tmp_path):
    root = tmp_path / "tree"
    synth(root, 4, seed=0)
    site = root / "site"
    build(root.resolve(), Audience.PUBLIC, site, booklets=True)
    catalogue = load_catalogue(root)
    linked = 0
    for hall in catalogue.halls.values():
        page = (site / "halls" / hall.id / "index.html").read_text(encoding="utf-8")
        has_link = f'href="../../booklets/{hall.id}.pdf"' in page
        assert has_link == bool(catalogue.matters_at(hall)), hall.id
        if has_link:
            assert (site / "booklets" / f"{hall.id}.pdf").read_bytes().startswith(b"%PDF-")
            linked += 1
    assert linked and len(list((site / "booklets").glob("*.pdf"))) == linked


def test_a_matter_with_situations_prints_which_materials_each_situation_brings(catalogue, a5):
    m = catalogue.matters["qiye-biangeng-dengji"]
    start = a5.first_page(catalogue.code_of("matter", m.id))
    text = a5.flat[start - 1] + a5.flat[start]
    assert "各情形要带的材料（材料序号）：" in text and "按情形不同，3–5份材料" in text
    brought = [x.id for x in m.materials if not x.exempt]
    supervisor = "、".join(str(brought.index(i) + 1) for i in ("m1", "m2", "m6"))
    assert f"只变更监事{supervisor}；" in text and "减少注册资本1、2、3、8、9；" in text
