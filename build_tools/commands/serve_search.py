"""`serve-search`: the staff search API and hotline console over HTTP; reindexes in the background when the
content changes, while it keeps answering from the previous index."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

from ..model import Audience
from ..problems import ContentError
from ..search.server import Service, make_server, watch
from ..search.staff import current_fingerprint, default_directory, ensure_index, rebuild

HELP = "启动事项搜索服务（GET /api/search?q=…，以及热线用的搜索页面）；默认只监听本机"
TOKEN_ENV = "BAIKE_SEARCH_TOKEN"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8001, help="端口（默认 8001）")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；其他地址必须设置令牌）")
    parser.add_argument("--token", help=f"访问令牌；每个请求都要带（也可用环境变量 {TOKEN_ENV}）")
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（默认当前目录）")
    parser.add_argument("--audience", choices=[a.value for a in Audience], default=Audience.STAFF.value,
                        help="staff：工作人员索引（默认，含内部字段）；public：公开索引（不含内部字段）")
    parser.add_argument("--index", type=Path, metavar="DIR", help="索引目录（默认 .site-search/<audience>）")
    parser.add_argument("--watch", type=float, default=2.0, metavar="SECONDS",
                        help="每隔几秒检查内容是否有变化，有变化就在后台重建索引（默认 2；0 表示不检查）")


def run(args: argparse.Namespace) -> int:
    audience = Audience(args.audience)
    directory = args.index or default_directory(args.root, audience)
    token = args.token or os.environ.get(TOKEN_ENV) or None
    try:
        index = ensure_index(args.root, directory, audience)
        index.version()  # load the dictionary now, not on the first request
        server = make_server(Service(index, token), args.host, args.port)
    except ContentError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print("内容有错误，没有建立索引。", file=sys.stderr)
        return 1
    except (ValueError, OSError) as err:
        print(err, file=sys.stderr)
        return 2
    stop = threading.Event()
    if args.watch > 0:
        watch(args.root, lambda: rebuild(args.root, directory, audience), lambda: current_fingerprint(directory), args.watch, stop)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"事项搜索服务：http://{host}:{server.server_address[1]}/{'（需要令牌）' if token else ''}，Ctrl+C 退出。", file=sys.stderr)
    try:
        server.serve_forever()
    finally:
        stop.set()
        server.server_close()
    return 0
