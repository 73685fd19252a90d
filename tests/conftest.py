"""Shared fixtures: a small, valid content tree in a temporary directory.

The tree holds copies of the repository's `departments/` and `halls/`, the example matter
`matters/qiye-sheli-dengji.yaml` (with `related:` emptied, because the matters it names may not exist yet) and a
second, small matter written here (`SMALL_MATTER`, a 即办件 with an exempt material) so that cross-file rules can
be exercised, plus a `registry/codes.yaml` that gives every hall and matter of the tree a short code (validate
requires one for every object). Other files in `matters/`, `sop/` and `guides/` of the repository are
deliberately not used.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

#: No property test depends on how fast this machine is today: under load (two workers, a busy CI host) an
#: example may take longer than Hypothesis' default 200 ms deadline without anything being wrong.
hypothesis_settings.register_profile("baike", deadline=None)
hypothesis_settings.load_profile("baike")

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from build_tools.validate import Validated, validate_tree  # noqa: E402

TODAY = dt.date(2026, 11, 27)
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))

BIG_MATTER_ID = "qiye-sheli-dengji"
BIG_MATTER_PATH = f"matters/{BIG_MATTER_ID}.yaml"
SMALL_MATTER_ID = "qiye-dangan-chaxun"
SMALL_MATTER_PATH = f"matters/{SMALL_MATTER_ID}.yaml"

#: A second matter written for the tests: 即办件 (promised 0), one visit with a reason, one exempt material.
#: Line numbers in tests are computed from this text with `pos()`, never hard-coded.
SMALL_MATTER = """\
id: qiye-dangan-chaxun
name: 企业登记档案查询
summary: 查询、复制本区登记的企业登记档案。
codes:
  catalog: "000201099000"
  implementation: "11110102000201099000A"
matter_type: 公共服务
audience: [法人, 自然人]
topics: [档案查询]
authority:
  body: scjg
  nature: 法定机关
  power_source: 法定本级行使
  level: 区级
legal_basis:
  - title: 《企业信息公示暂行条例》
    article: 第六条
conditions:
  - id: c1
    text: 查询本企业登记档案的，由企业或其委托的人员办理。
materials:
  - id: m1
    name: 经办人身份证
    necessity: 必要
    originals: 1
    copies: 0
    form: [纸质]
    source: 申请人自备
  - id: m2
    name: 营业执照
    necessity: 必要
    originals: 0
    copies: 0
    exempt: true
    form: [电子]
    source: 通过电子证照库共享获取
review_standard: 核验经办人身份与企业授权一致。
steps:
  - title: 到窗口提出查询
    text: 带上身份证到综合受理窗口，说明要查询的企业名称，当场打印档案。
    where:
      hall: district-hall
time_limits:
  legal:
    value: 20
    unit: 工作日
  promised:
    value: 0
    unit: 工作日
handling_type: 即办件
visits:
  count: 1
  reason: 需核验经办人身份证原件
fees:
  charged: false
result:
  name: 企业登记档案复印件
  type: 其他
  delivery: [窗口领取]
channels:
  window:
    halls: [district-hall]
  appointment:
    supported: false
  express:
    supported: false
scope: 全区
contacts:
  consult:
    - type: 电话
      value: 010-0000-2101
  complaint:
    - type: 电话
      value: "12345"
related: []
status:
  state: 在办
  since: 2020-01-01
review:
  owner: scjg
  last_verified: 2026-10-01
"""


def pos(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the `nth` occurrence of `needle` in `text`, columns counted in characters."""
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col


def replace_once(text: str, old: str, new: str) -> str:
    """`text` with the single occurrence of `old` replaced; fails loudly if `old` is missing or ambiguous."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the text, found {text.count(old)}"
    return text.replace(old, new)


#: Short-code prefix and digits per kind of object, as in build_tools/load/registry.py.
_CODE_FORMAT = {"hall": ("H", 3), "matter": ("M", 4), "sop": ("S", 3), "guide": ("G", 3)}


def registry_text(objects: dict[str, list[str]]) -> str:
    """`registry/codes.yaml` giving each (kind, id) a short code."""
    lines = ["codes:"]
    for kind, (prefix, width) in _CODE_FORMAT.items():
        for n, ident in enumerate(objects.get(kind, []), start=1):
            lines.append(f"  {prefix}{n:0{width}d}: {{kind: {kind}, id: {ident}, issued: 2026-11-01}}")
    return "\n".join(lines) + "\n"


def _read_sources() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for folder in ("departments", "halls"):
        for path in sorted((REPO / folder).glob("*.yaml")):
            files[f"{folder}/{path.name}"] = path.read_bytes()
    big = (REPO / BIG_MATTER_PATH).read_text(encoding="utf-8")
    big = re.sub(r"(?m)^related:.*$", "related: []", big)
    files[BIG_MATTER_PATH] = big.encode("utf-8")
    files[SMALL_MATTER_PATH] = SMALL_MATTER.encode("utf-8")
    return files


_SOURCES: dict[str, bytes] | None = None


def sources() -> dict[str, bytes]:
    """The files of the valid tree (read from the repository once per session)."""
    global _SOURCES
    if _SOURCES is None:
        _SOURCES = _read_sources()
    return _SOURCES


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


class ContentTree:
    """A content tree on disk plus ways to change it and to check it."""

    def __init__(self, root: Path):
        self.root = root
        for rel, data in sources().items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for folder in ("sop", "guides"):
            (root / folder).mkdir(exist_ok=True)
        self.registered: dict[str, list[str]] = {
            "hall": sorted(Path(rel).stem for rel in sources() if rel.startswith("halls/")),
            "matter": sorted(Path(rel).stem for rel in sources() if rel.startswith("matters/")),
        }
        self.write_registry()

    def register(self, kind: str, ident: str) -> None:
        """Give a new object (kind: hall, matter, sop or guide) a short code in registry/codes.yaml."""
        self.registered.setdefault(kind, []).append(ident)
        self.write_registry()

    def write_registry(self) -> None:
        self.write("registry/codes.yaml", registry_text(self.registered))

    def text(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> str:
        """Write (or replace) a file with UTF-8 text; returns the text, so tests can compute positions from it."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return text

    def write_bytes(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def edit(self, rel: str, old: str, new: str) -> str:
        """Replace the one occurrence of `old` in a file; returns the new text."""
        return self.write(rel, replace_once(self.text(rel), old, new))

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def validate(self, today: dt.date = TODAY) -> Validated:
        return validate_tree(self.root, today=today)

    def problems(self, path: str | None = None, today: dt.date = TODAY) -> list[str]:
        """Every problem as `path:line:col: message`; only those in file `path` when it is given."""
        return [str(p) for p in self.validate(today).problems if path is None or p.path == path]

    def cli(self, *extra: str, timeout: float = 60) -> CliResult:
        proc = subprocess.run(
            [PYTHON, "-m", "build_tools", "validate", "--root", str(self.root), *extra],
            cwd=REPO,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def content_tree(tmp_path: Path) -> ContentTree:
    """A valid content tree in `tmp_path` (see the module docstring)."""
    return ContentTree(tmp_path)
