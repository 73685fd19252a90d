"""Search benchmark (issue #8): the citizen index on a synthetic 5,000-matter site, what the first and a second
query download, and staff search latency at 10,000 matters. Prints figures; asserts nothing.

    .venv/bin/python bench/search.py                              # citizen site 5,000 matters, staff 10,000
    .venv/bin/python bench/search.py --citizen 1000 --staff 2000  # quicker
    .venv/bin/python bench/search.py --citizen 0                  # staff search only
    .venv/bin/python bench/search.py --site bench/out/search-synth-5000/site --staff 0  # measure a built site again

Citizen: `bench/synth.py` writes the tree, `python -m build_tools build --no-booklets` builds it
(the compact citizen index included, made from the model). The site is served on 127.0.0.1 the way a
production server would (gzip for HTML, CSS, JS and JSON, which is what the search index is), and Debian's
Chromium opens the search page and runs two queries; the server counts the bytes of every response, so
"transferred" means bytes on the wire.

Staff: a 10,000-matter catalogue is cloned in process from the validated sample (a synth tree that size trips the
loader's 512 KiB file limit on registry/codes.yaml) and indexed with `build_tools.search.staff.build_index`;
then the queries of tests/search_queries.yaml plus fielded and filtered queries run in rounds; p50/p95 are over
every query after a warm-up round.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.ensure_venv()

import yaml  # noqa: E402
from synth import DISTRICTS, ISSUED, STREETS  # noqa: E402

from build_tools.load.registry import Entry  # noqa: E402
from build_tools.model import (  # noqa: E402
    Audience,
    Catalogue,
    load_catalogue,  # noqa: E402
)
from build_tools.search.citizen import LEXICON  # noqa: E402
from build_tools.search.compact import INDEX_DIR  # noqa: E402
from build_tools.search.staff import StaffIndex, build_index  # noqa: E402
from build_tools.settings import load_settings  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
BUDGET_FIRST = 150 * 1024
GOAL_P95_MS = 50.0
FIRST_QUERY, SECOND_QUERY = "社保卡丢了怎么办", "营业执照 补办"
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml")
STAFF_EXTRA = ["材料:身份证 营业执照", "部门:税务 证明", "条件:户籍 补贴", "M0004", "营业只照丢了"]


# ------------------------------------------------------------------------------------------ citizen side

@dataclass
class Traffic:
    """Bytes sent per request path, as a production server would send them."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: list[tuple[str, int]] = field(default_factory=list)

    def take(self) -> list[tuple[str, int]]:
        with self.lock:
            out, self.sent = self.sent, []
        return out


def serve(site: Path, traffic: Traffic) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args) -> None:
            pass

        def send_head(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if not path.name.endswith(COMPRESSIBLE) or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
                return super().send_head()
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with traffic.lock:
                traffic.sent.append((self.path, len(body)))
            return None

        def copyfile(self, source, outputfile) -> None:
            data = source.read()
            outputfile.write(data)
            with traffic.lock:
                traffic.sent.append((self.path, len(data)))

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def bundle_size(site: Path) -> dict[str, tuple[int, int, int]]:
    """Files, bytes and gzip bytes of what the search page may download (the compact index by kind, the
    lexicon)."""
    kinds: dict[str, tuple[int, int, int]] = {}

    def add(kind: str, path: Path) -> None:
        n, size, packed = kinds.get(kind, (0, 0, 0))
        data = path.read_bytes()
        kinds[kind] = (n + 1, size + len(data), packed + len(gzip.compress(data, 6)))

    for path in (site / INDEX_DIR).rglob("*.json"):
        add(f"index {path.relative_to(site / INDEX_DIR).parts[1]}/", path)
    add("lexicon.json", site / LEXICON)
    return kinds


def citizen(n: int) -> None:
    print(f"== citizen search, {n} matters ==")
    tree = common.OUT / f"search-synth-{n}"
    common.clear(tree)  # a tree of its own, written from scratch: no files left from other sizes or versions
    common.synth_tree(n, dest=tree)
    # The hall booklet PDFs say nothing about search and take most of the time and memory at this size.
    run = common.measure([str(common.VENV_PYTHON), "-m", "build_tools", "build", "--root", str(tree), "--out", str(tree / "site"),
                          "--no-booklets"], cwd=common.REPO, sample=False).check()
    print(f"build: {run.wall:.0f} s wall (load average {common.load_average()})")
    measure(tree / "site")


def measure(site: Path) -> None:
    """Index size of a built site, then what the search page downloads before and for two queries."""
    sizes = bundle_size(site)
    print(f"index size (what the search page may download): {common.human(sum(v[1] for v in sizes.values()))}"
          f" ({common.human(sum(v[2] for v in sizes.values()))} gzip) in {sum(v[0] for v in sizes.values())} files")
    for kind, (files, size, packed) in sorted(sizes.items(), key=lambda kv: -kv[1][1]):
        print(f"  {common.pad(kind, 36)} {files:>6} files  {common.human(size):>10}  ({common.human(packed)} gzip)")
    traffic = Traffic()
    httpd = serve(site, traffic)
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            page.goto(base + "search/")
            page.wait_for_load_state("networkidle")
            report("search page load (before any search)", traffic.take())
            for label, query in (("first query", FIRST_QUERY), ("second query", SECOND_QUERY)):
                page.fill("#bk-q", query)
                page.press("#bk-q", "Enter")
                page.wait_for_function("q => { const l = document.getElementById('bk-results');"
                                       " return l.dataset.state === 'done' && l.dataset.query === q; }", arg=query, timeout=120_000)
                page.wait_for_load_state("networkidle")
                got = traffic.take()
                titles = page.eval_on_selector_all("#bk-results li a", "els => els.slice(0, 3).map(e => e.textContent)")
                report(f"{label} “{query}” → {', '.join(titles)}", got, BUDGET_FIRST if label == "first query" else None)
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


def report(label: str, sent: list[tuple[str, int]], budget: int | None = None) -> None:
    total = sum(b for _, b in sent)
    verdict = f" (budget {common.human(budget)}: {'within' if total <= budget else 'OVER'})" if budget else ""
    print(f"{label}: {common.human(total)} in {len(sent)} requests{verdict}")
    groups: dict[str, list[int]] = {}
    for path, size in sent:
        key = path.split("?")[0]
        if "/search/i/" in key:
            part = key.split("/search/i/")[1].split("/")[1]  # "<id>/k/12.json" -> "k"
            key = {"k": "index k/ (key files)", "d": "index d/ (results)"}.get(part, "index f/ (filters)")
        groups.setdefault(key, []).append(size)
    for key, sizes in sorted(groups.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {common.pad(key, 44)} {len(sizes):>3} × {common.human(sum(sizes) / len(sizes)):>9} = {common.human(sum(sizes)):>9}")


# ------------------------------------------------------------------------------------------ staff side

def cloned_catalogue(n: int) -> Catalogue:
    """At least `n` matters: whole generations of the validated sample, each generation's ids, codes and names
    suffixed (another implementing street) and its references kept inside the generation. Built in process
    because a 10,000-matter tree's registry/codes.yaml is larger than the loader accepts (512 KiB per file)."""
    sample = load_catalogue(common.REPO)
    templates = list(sample.matters.values())
    generations = -(-n // len(templates))
    matters, codes = {}, {}
    for g in range(generations):
        place = f"{DISTRICTS[g % len(DISTRICTS)]}区{STREETS[g // len(DISTRICTS) % len(STREETS)]}街道"

        def moved(mid: str | None, g: int = g) -> str | None:
            return mid and f"{mid}-g{g}"

        for m in templates:
            status = m.status.model_copy(update={"successor": moved(m.status.successor),
                                                 "alternatives": [moved(a) for a in m.status.alternatives]})
            clone = m.model_copy(update={"id": moved(m.id), "name": f"{m.name}（{place}）", "related": [moved(r) for r in m.related],
                                         "popular_names": [*m.popular_names, f"{place[-4:]}{m.popular_names[0]}"] if m.popular_names else [],
                                         "status": status})
            matters[clone.id] = clone
            code = f"M{len(codes) + 1:05d}"
            codes[code] = Entry(code, "matter", clone.id, ISSUED)
    return Catalogue(departments=sample.departments, halls=sample.halls, matters=matters, sops={}, guides={}, codes=codes)


def staff(n: int, rounds: int) -> None:
    catalogue = cloned_catalogue(n)
    print(f"== staff search, {len(catalogue.matters)} matters ==")
    directory = common.OUT / f"search-index-{n}"
    start = time.perf_counter()
    build_index(catalogue, load_settings(common.REPO), directory, Audience.STAFF)
    print(f"index build: {time.perf_counter() - start:.0f} s (jieba and Whoosh; load average {common.load_average()})")
    index = StaffIndex(directory)
    queries = [q["q"] for q in yaml.safe_load((common.REPO / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))["queries"]]
    queries += STAFF_EXTRA
    filtered = [("低保", "jiedao", None), ("社保卡", None, "hrss-hall")]
    timings: list[float] = []
    for r in range(rounds + 1):
        for q, dept, hall in [(q, None, None) for q in queries] + filtered:
            start = time.perf_counter()
            index.search(q, 10, dept, hall)
            if r:
                timings.append((time.perf_counter() - start) * 1000)
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"latency over {len(timings)} searches ({len(queries) + len(filtered)} queries × {rounds} rounds, limit 10, "
          f"facets and snippets included; load average {common.load_average()}): p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {max(timings):.1f} ms (goal p95 ≤ {GOAL_P95_MS:.0f} ms: {'met' if p95 <= GOAL_P95_MS else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizen", type=int, default=5000, metavar="N", help="matters in the citizen site (0: skip)")
    parser.add_argument("--staff", type=int, default=10000, metavar="N", help="matters in the staff index (0: skip)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of staff queries (after one warm-up)")
    parser.add_argument("--site", type=Path, metavar="DIR", help="measure this built site instead of building one (no --citizen)")
    args = parser.parse_args()
    try:
        if args.site:
            print(f"== citizen search, built site {args.site} ==")
            measure(args.site)
        elif args.citizen:
            citizen(args.citizen)
        if args.staff:
            staff(args.staff, args.rounds)
    finally:
        common.empty_trash()


if __name__ == "__main__":
    main()
