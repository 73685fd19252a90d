"""The staff search service: `GET /api/search` (the JSON of `search --json`), `GET /api/matters/<id>` (what the
console shows about one matter) and a small console page for the hotline, on the standard library's
ThreadingHTTPServer (no web framework to keep patched).

Safety: it listens on the loopback interface unless a token is configured, and then every request must carry
it in the `Authorization: Bearer` header, never in the address (which browsers keep in their history and proxies in
their logs: `?token=` is refused). Without a token, only requests addressed to a loopback host name are answered,
so a web page the operator happens to open cannot reach the service through DNS rebinding. A connection that sends
nothing for `IDLE_TIMEOUT` seconds is closed (each connection holds a thread), and the console may not be framed.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..render.site import make_environment
from .staff import MAX_LIMIT, MAX_QUERY_CHARS, QueryError, StaffIndex, content_fingerprint

PARAMS = {"q", "limit", "department", "hall"}
#: Seconds a connection may stay silent (while its request arrives, or between requests) before it is closed.
IDLE_TIMEOUT = 30.0
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Service:
    """What the request handler needs: the index and the access rule."""

    index: StaffIndex
    token: str | None
    idle_timeout: float = IDLE_TIMEOUT

    def console(self, nonce: str) -> bytes:
        meta = self.index.version().meta
        template = make_environment().get_template("search_console.html.j2")
        return template.render(nonce=nonce, departments=meta["departments"], halls=meta["halls"],
                               staff=meta["audience"] == "staff").encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    service: Service  # set on the subclass made by make_server
    server_version = "baike-search"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        try:
            self._get()
        except Exception:  # noqa: BLE001 — answer, log, and keep serving; bad queries never get here (they are 400s)
            traceback.print_exc()
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "服务内部出错，已记录；请稍后再试。"})

    def _get(self) -> None:
        url = urlsplit(self.path)
        try:
            params = parse_qs(url.query, keep_blank_values=True, strict_parsing=False, max_num_fields=20)
        except ValueError:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": "查询参数太多或格式不对。"})
        if "token" in params:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": "令牌不能放在网址里（会留在浏览器历史和日志里）；请放在请求头 Authorization: Bearer <令牌> 里。"})
        if not self._allowed():
            return
        if url.path == "/":
            nonce = secrets.token_urlsafe(16)
            return self._send(HTTPStatus.OK, self.service.console(nonce), "text/html; charset=utf-8",
                              {"Content-Security-Policy": f"default-src 'self'; script-src 'nonce-{nonce}'; "
                                                          f"style-src 'nonce-{nonce}'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
                               "X-Frame-Options": "DENY"})
        if url.path == "/api/search":
            return self._search(params)
        if url.path.startswith("/api/matters/"):
            doc = self.service.index.matter(unquote(url.path.removeprefix("/api/matters/")))
            if doc is None:
                return self._json(HTTPStatus.NOT_FOUND, {"error": "没有这个事项。"})
            return self._json(HTTPStatus.OK, doc.to_json())
        self._json(HTTPStatus.NOT_FOUND, {"error": "没有这个地址。可用：/、/api/search?q=、/api/matters/<id>"})

    def do_HEAD(self) -> None:  # noqa: N802
        self._json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "只支持 GET。"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD  # noqa: N815

    def _allowed(self) -> bool:
        token = self.service.token
        if token is None:
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
            if not is_loopback(host):
                self._json(HTTPStatus.FORBIDDEN, {"error": "只接受发往本机地址（127.0.0.1、localhost）的请求。"})
                return False
            return True
        given = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if hmac.compare_digest(given.encode(), token.encode()):
            return True
        self._json(HTTPStatus.UNAUTHORIZED, {"error": "需要访问令牌：请求头 Authorization: Bearer <令牌>（由内网的反向代理加上）。"},
                   {"WWW-Authenticate": "Bearer"})
        return False

    def _search(self, params: dict[str, list[str]]) -> None:
        unknown = sorted(set(params) - PARAMS)
        repeated = sorted(k for k, v in params.items() if len(v) > 1)
        if unknown or repeated:
            what = f"不认识的参数：{'、'.join(unknown)}" if unknown else f"参数重复：{'、'.join(repeated)}"
            return self._json(HTTPStatus.BAD_REQUEST, {"error": f"{what}。可用参数：q、limit、department、hall。"})
        one = {k: v[0] for k, v in params.items()}
        try:
            limit = int(one.get("limit") or 10)
        except ValueError:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": f"limit 应是 1 到 {MAX_LIMIT} 之间的整数。"})
        try:
            results = self.service.index.search(one.get("q", ""), limit, one.get("department") or None, one.get("hall") or None)
        except QueryError as err:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": str(err)})
        self._json(HTTPStatus.OK, results.to_json())

    def _json(self, status: HTTPStatus, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8", headers)

    def _send(self, status: HTTPStatus, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors http.server raises before a handler runs answer in JSON too. A request line longer than it reads
        (64 KB: about 7,000 Chinese characters of query) is a query that is too long, so it is a 400 like any
        other bad query."""
        if code == HTTPStatus.REQUEST_URI_TOO_LONG:
            code, message = HTTPStatus.BAD_REQUEST, f"搜索词太长，请控制在 {MAX_QUERY_CHARS} 个字以内。"
        self.close_connection = True
        self._json(HTTPStatus(code), {"error": message or HTTPStatus(code).phrase})

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server signature)
        """One line per request without the query string (queries and tokens stay out of logs)."""
        path = urlsplit(getattr(self, "path", "")).path
        sys.stderr.write(f"{self.log_date_time_string()} {getattr(self, 'command', '')} {path} {args[1] if len(args) > 1 else ''}\n")


def make_server(service: Service, host: str, port: int) -> ThreadingHTTPServer:
    """Refuses a non-loopback address without a token (ValueError), binds, and returns the server."""
    if not is_loopback(host) and not service.token:
        raise ValueError(f"不带令牌只能监听本机地址；要监听 {host}，请用 --token 或环境变量 BAIKE_SEARCH_TOKEN 设置访问令牌。")
    handler = type("BoundHandler", (Handler,), {"service": service, "timeout": service.idle_timeout})
    return _Server((host, port), handler)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    #: A hotline has dozens of seats asking at once; with the default backlog of 5 the rest wait for TCP's
    #: exponential retries, which under load can run a request past the idle timeout (tests/test_search_load.py).
    request_queue_size = 128


def watch(root: Path, rebuild: Callable[[], object], current: Callable[[], str | None], interval: float,
          stop: threading.Event) -> threading.Thread:
    """Poll the content fingerprint; when it differs from the index's, rebuild (into a new version) in this
    background thread while requests keep being answered from the current version."""

    def loop() -> None:
        failed = None
        while not stop.wait(interval):
            fingerprint = content_fingerprint(root)
            if fingerprint in (current(), failed):
                continue
            started = time.perf_counter()
            try:
                rebuild()
            except Exception as err:  # noqa: BLE001 — a failed rebuild must not stop the service; say why, keep serving
                failed = fingerprint
                print(f"索引没有更新，继续使用旧索引：{err}", file=sys.stderr)
                continue
            print(f"内容有变化，索引已更新（{time.perf_counter() - started:.1f} 秒）。", file=sys.stderr)

    thread = threading.Thread(target=loop, name="search-reindex", daemon=True)
    thread.start()
    return thread
