"""Page-weight benchmark (issue #7): what a matter page transfers on its first view (empty cache), gzip-compressed.
Goal: at most 100 KB gzip in total (HTML, CSS, JS, images), no web fonts.

    .venv/bin/python bench/weight.py                       # builds a small synthetic site, measures two matter pages
    .venv/bin/python bench/weight.py --site site           # a site built already (python -m build_tools build)
    .venv/bin/python bench/weight.py --site site --page matters/dangan-chaxun/

Two ways of finding what a page loads, both printed (--mode):
  browser  the page is opened in headless Chromium (/usr/bin/chromium through Playwright) from a loopback HTTP
           server, and every response is counted: what a phone really fetches, including what scripts fetch.
  parse    the HTML is parsed for stylesheets, scripts, images and icons, and the stylesheets for url(...):
           no browser needed; counts lazy images too.
Sizes are the files' bytes compressed with gzip -6 (what a server with gzip on sends; the loopback server sends
them uncompressed), HTML included. Pages that are not matters (home, search) are not measured.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.ensure_venv()

GOAL_KB = 100
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FONT_EXT = (".woff", ".woff2", ".ttf", ".otf", ".eot")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def kind_of(path: str, content_type: str = "") -> str:
    p = path.lower()
    if p.endswith(FONT_EXT) or "font" in content_type:
        return "font"
    for ext, kind in ((".css", "css"), (".js", "js"), (".html", "html"), ("/", "html"), (".svg", "image"), (".png", "image"),
                      (".jpg", "image"), (".jpeg", "image"), (".webp", "image"), (".gif", "image"), (".ico", "image"), (".json", "data"),
                      (".wasm", "wasm")):
        if p.endswith(ext):
            return kind
    return content_type.split(";")[0] or "other"


# ------------------------------------------------------------------------------------------ parse mode

class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str]] = []   # (kind, url)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower().split()
            if "stylesheet" in rel:
                self.refs.append(("css", a["href"]))
            elif {"icon", "shortcut", "apple-touch-icon"} & set(rel):
                self.refs.append(("image", a["href"]))
            elif {"preload", "modulepreload"} & set(rel):
                self.refs.append((a.get("as") or "other", a["href"]))
        elif tag == "script" and a.get("src"):
            self.refs.append(("js", a["src"]))
        elif tag in ("img", "source") and (a.get("src") or a.get("srcset")):
            self.refs.append(("image", a.get("src") or a["srcset"].split()[0]))


_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _local(site: Path, base_url: str, ref: str) -> tuple[str, Path | None]:
    url = urljoin(base_url, ref)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(base_url).netloc:
        return url, None
    rel = unquote(parts.path).lstrip("/")
    path = site / rel
    if rel == "" or rel.endswith("/"):
        path = path / "index.html"
    return url, path


def parse_mode(site: Path, page: str) -> list[tuple[str, str, int, int]]:
    """(kind, url-or-path, raw bytes, gzip bytes) for the page and everything its HTML and CSS load."""
    base = "http://site.invalid/" + page
    html_path = site / page / "index.html" if page.endswith("/") else site / page
    rows = [("html", page, html_path.stat().st_size, gz(html_path.read_bytes()))]
    parser = _Refs()
    parser.feed(html_path.read_text(encoding="utf-8"))
    seen = set()
    queue = [(k, urljoin(base, r)) for k, r in parser.refs if not r.startswith("data:")]
    while queue:
        kind, url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        url, path = _local(site, base, url)
        if path is None:
            rows.append((kind + " (EXTERNAL)", url, 0, 0))
            continue
        if not path.is_file():
            rows.append((kind + " (MISSING)", url, 0, 0))
            continue
        data = path.read_bytes()
        rows.append((kind_of(path.name) if kind not in ("css", "js") else kind, url.replace("http://site.invalid/", ""), len(data), gz(data)))
        if kind == "css":
            for ref in _CSS_URL.findall(data.decode("utf-8", errors="replace")):
                if not ref.startswith(("data:", "#")):
                    queue.append((kind_of(ref), urljoin(url, ref)))
    return rows


# ------------------------------------------------------------------------------------------ browser mode

def browser_mode(site: Path, page: str, viewport: tuple[int, int]) -> list[tuple[str, str, int, int]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with common.StaticServer(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block")
            tab = ctx.new_page()
            responses = []
            tab.on("response", lambda r: responses.append(r))
            failed = []
            tab.on("requestfailed", lambda r: failed.append(r.url))
            tab.goto(base + page, wait_until="networkidle")
            tab.wait_for_timeout(500)
            seen = set()
            for r in responses:
                if r.url in seen:   # a second request for the same URL is served from the cache
                    continue
                seen.add(r.url)
                try:
                    body = r.body()
                except Exception:  # redirects and the like have no body
                    body = b""
                path = urlsplit(r.url).path
                kind = kind_of(path, r.headers.get("content-type", ""))
                name = r.url[len(base):] if r.url.startswith(base) else r.url + " (EXTERNAL)"
                rows.append((kind if r.status < 400 else f"{kind} ({r.status})", name, len(body), gz(body) if body else 0))
            rows += [("FAILED", url, 0, 0) for url in failed]
        finally:
            browser.close()
    return rows


# ------------------------------------------------------------------------------------------ report

def report(title: str, rows: list[tuple[str, str, int, int]]) -> int:
    print(f"\n  {title}")
    total_raw = total_gz = 0
    by_kind: dict[str, int] = {}
    for kind, name, raw, z in rows:
        print(f"    {kind:<8} {raw / 1024:8.1f} KB raw {z / 1024:7.1f} KB gzip  {name}")
        total_raw += raw
        total_gz += z
        by_kind[kind.split()[0]] = by_kind.get(kind.split()[0], 0) + z
    fonts = [name for kind, name, _, _ in rows if kind.startswith("font")]
    external = [name for kind, name, _, _ in rows if "EXTERNAL" in kind or "EXTERNAL" in name]
    print(f"    {'TOTAL':<8} {total_raw / 1024:8.1f} KB raw {total_gz / 1024:7.1f} KB gzip  "
          f"({', '.join(f'{k} {v / 1024:.1f}' for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1]))} KB)")
    print(f"    goal ≤ {GOAL_KB} KB gzip: {'met' if total_gz <= GOAL_KB * 1024 else 'NOT met'}; web fonts: {len(fonts) or 'none'}; "
          f"third-party requests: {len(external) or 'none'}")
    return total_gz


def pick_pages(site: Path) -> list[str]:
    """The largest matter page (worst case) and the median one (typical)."""
    pages = sorted((p.stat().st_size, p.parent.relative_to(site).as_posix() + "/") for p in (site / "matters").glob("*/index.html"))
    if not pages:
        raise SystemExit(f"no matter pages under {site}/matters/")
    largest, median = pages[-1][1], pages[len(pages) // 2][1]
    return [largest] if largest == median else [largest, median]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build a synthetic tree of --matters and use its site/)")
    parser.add_argument("--matters", type=int, default=100, help="size of the synthetic tree when --site is not given (default 100)")
    parser.add_argument("--page", action="append", help="page path under the site, e.g. matters/dangan-chaxun/ (repeatable; default: largest and median matter page)")
    parser.add_argument("--mode", choices=("browser", "parse", "both"), default="both")
    parser.add_argument("--viewport", default="390x844", help="browser viewport WxH (default 390x844, a phone)")
    args = parser.parse_args(argv)

    site = args.site
    if site is None:
        tree = common.synth_tree(args.matters)
        site = tree / "site"
        print(f"  building {tree} ...", file=sys.stderr)
        common.measure([sys.executable, "-m", "build_tools", "build", "--root", str(tree), "--out", str(site)], cwd=tree, sample=False).check()
    site = site.resolve()
    pages = args.page or pick_pages(site)
    modes = ["browser", "parse"] if args.mode == "both" else [args.mode]
    if "browser" in modes and not Path(CHROMIUM).exists():
        print(f"  {CHROMIUM} not found: browser mode skipped", file=sys.stderr)
        modes.remove("browser")
    w, h = (int(x) for x in args.viewport.split("x"))
    worst = 0
    for page in pages:
        print(f"\n=== first view of {page} ({site}) ===")
        for mode in modes:
            rows = browser_mode(site, page, (w, h)) if mode == "browser" else parse_mode(site, page)
            title = (f"headless Chromium, viewport {w}x{h}, every response" if mode == "browser"
                     else "parsed from the HTML and CSS (all images, lazy or not)")
            worst = max(worst, report(title, rows))
    print(f"\nheaviest first view measured: {worst / 1024:.1f} KB gzip (goal ≤ {GOAL_KB} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
