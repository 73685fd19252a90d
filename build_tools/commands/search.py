"""`search`: ask the staff index from the command line (the hotline's search, scriptable with --json)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..model import Audience
from ..problems import ContentError
from ..search.staff import MAX_LIMIT, QueryError, Results, default_directory, ensure_index

HELP = "搜索事项（工作人员和热线用；索引不存在或内容有变化时先重建）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", metavar="QUERY", help="搜索词：群众的说法、繁体字都可以；字段搜索如 材料:身份证、部门:税务")
    parser.add_argument("--json", action="store_true", help='输出 JSON：{"results": [{"title", "code", "url", "score", …}], "facets": {…}}')
    parser.add_argument("--limit", type=int, default=10, metavar="N", help=f"最多显示几条（1–{MAX_LIMIT}，默认 10）")
    parser.add_argument("--department", metavar="D", help="只看这个部门的事项：部门 id、全称或简称")
    parser.add_argument("--hall", metavar="H", help="只看能在这个大厅办的事项：大厅 id 或名称")
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（默认当前目录）")
    parser.add_argument("--audience", choices=[a.value for a in Audience], default=Audience.STAFF.value,
                        help="staff：工作人员索引（默认，含内部字段）；public：公开索引（不含内部字段）")
    parser.add_argument("--index", type=Path, metavar="DIR", help="索引目录（默认 .site-search/<audience>）")
    parser.add_argument("--reindex", action="store_true", help="先重建索引")


def run(args: argparse.Namespace) -> int:
    audience = Audience(args.audience)
    try:
        index = ensure_index(args.root, args.index or default_directory(args.root, audience), audience, force=args.reindex)
        results = index.search(args.query, args.limit, args.department, args.hall)
    except ContentError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print("内容有错误，没有建立索引。", file=sys.stderr)
        return 1
    except QueryError as err:
        if args.json:
            print(json.dumps({"error": str(err)}, ensure_ascii=False))
        print(err, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
    else:
        print(_text(results))
    return 0 if results.results else 1


def _text(r: Results) -> str:
    """Readable on a hotline terminal: one block per matter, matched words in 【】."""
    lines = []
    if r.did_you_mean:
        lines.append(f"你是不是要找：{r.did_you_mean}")
    if not r.results:
        lines.append(f"没有找到与“{r.query}”有关的事项。")
        return "\n".join(lines)
    lines.append(f"“{r.query}”：共 {r.total} 个事项，显示前 {len(r.results)} 个")
    for n, h in enumerate(r.results, start=1):
        tags = "".join(f" [{t}]" for t in (("推荐",) if h.best_bet else ()) + ((h.state,) if h.state != "在办" else ()))
        snippet, at = [], 0
        for a, b in h.highlights:
            snippet += [h.snippet[at:a], "【", h.snippet[a:b], "】"]
            at = b
        snippet.append(h.snippet[at:])
        lines += [f"{n:>2}. {h.code} {h.title}{tags}  ({h.score:.2f})",
                  f"    {h.department['name']} · {h.url}",
                  f"    {''.join(snippet)}"]
    dept = r.facets.get("department") or []
    if len(dept) > 1:
        lines.append("按部门：" + "，".join(f"{f.name} {f.count}" for f in dept))
    return "\n".join(lines)
