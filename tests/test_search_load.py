"""The staff search server under load and under hostile paths (issue 9): bounded, loopback only."""

from __future__ import annotations

import statistics
import threading
import time
import urllib.error
import urllib.request

import pytest

from .test_search_staff import index, root, server  # noqa: F401 (fixtures)

QUERIES = ["上户口", "开公司", "社保卡", "營業執照", "材料:身份证", "结婚", "低保", "退休", "发票", "失业登记"]


@pytest.mark.parametrize("path", ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/api/../../etc/passwd",
                                  "/api/matters/..%2f..%2f..%2fetc%2fpasswd", "//etc/passwd", "/build_tools/search/server.py"])
def test_never_serves_files(server, path):  # noqa: F811
    try:
        with urllib.request.urlopen(server + path, timeout=10) as resp:
            status, body = resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        status, body = err.code, err.read().decode("utf-8", "replace")
    assert status in (400, 403, 404)
    assert "root:" not in body and "import " not in body


@pytest.mark.browser  # slow group: 30 s of load
def test_fifty_clients_for_thirty_seconds_without_errors(server):  # noqa: F811
    """50 concurrent clients on loopback for 30 s (bounded in time and count): no error, latency reported."""
    deadline = time.monotonic() + 30
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        i = 0
        while time.monotonic() < deadline and i < 10_000:
            q = urllib.request.quote(QUERIES[(n + i) % len(QUERIES)])
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{server}/api/search?q={q}&limit=5", timeout=30) as resp:
                    resp.read()
                    ok = resp.status == 200
            except Exception as err:  # noqa: BLE001 - every failure counts
                ok, detail = False, repr(err)
            with lock:
                latencies.append(time.perf_counter() - start)
                if not ok:
                    errors.append(detail if "detail" in locals() else "non-200")
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(latencies) > 100
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(f"\n{len(latencies)} requests, p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms under 50 clients")
