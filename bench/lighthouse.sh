#!/usr/bin/env bash
# Lighthouse benchmark (issue #5; not a test): what a citizen's phone gets from a matter page and the home page.
#
#     bash bench/lighthouse.sh                 # matter page qiye-sheli-dengji and the home page
#     bash bench/lighthouse.sh matters/hukou-qianru/ halls/district-hall/    # other pages (paths under the site)
#
# 1. installs npm lighthouse@12.2.3 into bench/node_modules (git-ignored) when it is missing;
# 2. builds the public sample site into bench/out/lighthouse-site (the working tree's site/ is left alone);
# 3. serves it on 127.0.0.1 (Python's http.server, a free port);
# 4. runs Lighthouse with its default mobile profile (Moto G Power viewport, simulated slow 4G, 4x CPU slowdown)
#    against Debian's Chromium, three runs per page (RUNS=5 for more), and prints the median run's scores:
#    performance, accessibility, best practices, SEO, and the transfer size. Reports: bench/out/lighthouse-*.json.
#    GZIP=1 serves text gzip-compressed, as a production web server would; the default serves files as they are.
# Goals (issue #5): performance >= 95, accessibility 100, best practices >= 95.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="$REPO/bench"
OUT="$BENCH/out"
SITE="$OUT/lighthouse-site"
LH_VERSION="12.2.3"
LH="$BENCH/node_modules/.bin/lighthouse"
CHROME="${CHROME_PATH:-/usr/bin/chromium}"
RUNS="${RUNS:-3}"
PY="$REPO/.venv/bin/python"
[ -x "$PY" ] || PY="python3"

if [ "$#" -gt 0 ]; then PAGES=("$@"); else PAGES=("matters/qiye-sheli-dengji/" ""); fi

command -v npm >/dev/null || { echo "npm is needed (Debian: apt-get install npm)" >&2; exit 1; }
[ -x "$CHROME" ] || { echo "Chromium not found at $CHROME (Debian: apt-get install chromium)" >&2; exit 1; }

if [ ! -x "$LH" ] || [ "$("$LH" --version 2>/dev/null)" != "$LH_VERSION" ]; then
  echo "installing lighthouse@$LH_VERSION into bench/node_modules ..." >&2
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$BENCH" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "lighthouse@$LH_VERSION" >&2
fi

mkdir -p "$OUT"
echo "building the public sample site into ${SITE#"$REPO"/} ..." >&2
extra=()
if "$PY" -m build_tools build --help 2>/dev/null | grep -q -- "--no-booklets"; then extra+=(--no-booklets); fi
(cd "$REPO" && NO_MKDOCS_2_WARNING=1 "$PY" -m build_tools build --audience public --out "$SITE" "${extra[@]}" >/dev/null)

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# A static server like Python's http.server; with GZIP=1 it compresses text the way a production nginx
# (`gzip on; gzip_types text/css application/javascript image/svg+xml application/json;`) would.
SERVE_PY='
import functools, gzip, http.server, io, os, sys
root, port, compress = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
TEXT = (".html", ".css", ".js", ".svg", ".json", ".xml", ".txt")
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass
    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path): path = os.path.join(path, "index.html")
        if not (compress and path.endswith(TEXT) and os.path.isfile(path) and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        if os.path.isdir(self.translate_path(self.path)) and not self.path.split("?")[0].endswith("/"):
            return super().send_head()                      # let it redirect to the slash form
        body = gzip.compress(open(path, "rb").read(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)
http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=root)).serve_forever()
'
"$PY" -c "$SERVE_PY" "$SITE" "$PORT" "${GZIP:-0}" >/dev/null 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/')" 2>/dev/null && break
  sleep 0.1
done

reports=()
for path in "${PAGES[@]}"; do
  name="$(echo "${path:-home}" | tr '/' '-' | sed 's/-$//')"
  for run in $(seq "$RUNS"); do
    report="$OUT/lighthouse-$name-$run.json"
    echo "lighthouse http://127.0.0.1:$PORT/$path (run $run of $RUNS) ..." >&2
    "$LH" "http://127.0.0.1:$PORT/$path" --quiet --output=json --output-path="$report" \
      --only-categories=performance,accessibility,best-practices,seo \
      --chrome-path="$CHROME" --chrome-flags="--headless=new --no-sandbox --disable-gpu"
    reports+=("$report")
  done
done

"$PY" - "$RUNS" "${GZIP:-0}" "${reports[@]}" <<'EOF'
import json, sys
from collections import defaultdict

runs = int(sys.argv[1])
by_page = defaultdict(list)
for path in sys.argv[3:]:
    r = json.load(open(path, encoding="utf-8"))
    by_page[r["finalDisplayedUrl"] if "finalDisplayedUrl" in r else r["finalUrl"]].append(r)

def score(r, cat):
    s = r["categories"][cat]["score"]
    return None if s is None else round(s * 100)

print()
print(f"Lighthouse {next(iter(by_page.values()))[0]['lighthouseVersion']}, mobile profile, median of {runs} runs, "
      f"{'gzip' if sys.argv[2] == '1' else 'no HTTP compression'}")
print(f"{'page':<34} {'perf':>5} {'a11y':>5} {'best':>5} {'SEO':>5} {'transfer':>10} {'LCP':>7} {'TBT':>6} {'CLS':>6}  perf of all runs")
failing = {}
for url, rs in by_page.items():
    rs.sort(key=lambda r: r["categories"]["performance"]["score"] or 0)
    r = rs[len(rs) // 2]                                   # the median run by performance
    a = r["audits"]
    page = "/" + url.split("/", 3)[3]
    kb = a["total-byte-weight"]["numericValue"] / 1024
    print(f"{page:<34} {score(r, 'performance'):>5} {score(r, 'accessibility'):>5} {score(r, 'best-practices'):>5} "
          f"{score(r, 'seo'):>5} {kb:>7.0f} KB {a['largest-contentful-paint']['numericValue'] / 1000:>6.1f}s "
          f"{a['total-blocking-time']['numericValue']:>4.0f}ms {a['cumulative-layout-shift']['numericValue']:>6.3f}  "
          + " ".join(str(score(x, "performance")) for x in rs))
    for cat in ("performance", "accessibility", "best-practices", "seo"):
        for ref in r["categories"][cat]["auditRefs"]:
            audit = a[ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                failing.setdefault(page, []).append(f"{cat}: {ref['id']} ({audit['title']}, score {audit['score']})")
print("goals: performance >= 95, accessibility 100, best practices >= 95")
for page, items in failing.items():
    print(f"\nnot full marks on {page}:")
    for item in items:
        print("  " + item)
EOF
