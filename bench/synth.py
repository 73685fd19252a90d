"""Synthetic content trees for benchmarks and tests: N matters shaped like the sample, valid and deterministic.

The sample content of this repository is the template. Matter number i (0-based) is a variant of sample matter
`templates[i % K]` in *generation* `g = i // K`; every generation stands for another implementing location (a
district and street), so names, ids, implementation codes, phone numbers, time limits and some texts differ while
the shape (26 elements, materials, steps, fees, FAQ ...) stays that of a real guide. References between matters
(`related`, `links`, `status.successor`, `status.alternatives`) point inside the same generation, so every reference
resolves. Per generation, the sample's per-matter SOP handbooks and scenario guides are copied too, when all the
matters they name exist; halls, departments and the window SOPs are copied once. `registry/codes.yaml` gives every
object a short code.

Besides the content, the tree gets what it needs to build on its own: `site.yaml`, `mkdocs.yml`, `theme/`,
`generated/.gitignore`, and a link to `build_tools/` (the MkDocs hook is loaded from the tree's own folder).

Same template content and seed => byte-identical tree: every random choice comes from `random.Random` seeded
with a string (hashed with SHA-512, independent of PYTHONHASHSEED), YAML is written with fixed options, and no
clock or environment value is read.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # run as a script: bench/synth.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_tools.load import load_file  # noqa: E402
from build_tools.load.registry import PREFIX, REGISTRY, WIDTH, Entry, dump  # noqa: E402
from build_tools.load.yamlout import content_yaml  # noqa: E402
from build_tools.schema import BY_NAME  # noqa: E402

#: The repository whose sample content is the template (the folder that holds build_tools/ and bench/).
REPO = Path(__file__).resolve().parent.parent

#: Written into every synthetic tree; `--out` refuses a non-empty folder without it (never clobber a real tree).
MARKER = ".baike-synth"

#: Date the synthetic registry says codes were issued (fixed: the output must not depend on the clock).
ISSUED = dt.date(2026, 11, 1)

#: What synth writes besides PROJECT_FILES and PROJECT_DIRS; replaced as a whole when a tree is rewritten.
OWNED = (MARKER, "build_tools", "matters", "sop", "guides", "halls", "departments", "registry")

#: What is copied verbatim so the tree builds on its own.
PROJECT_FILES = ("site.yaml", "mkdocs.yml", "generated/.gitignore")
PROJECT_DIRS = ("theme",)

#: Places that implement the same matter: a city-wide catalogue has one entry per implementing location.
DISTRICTS = ("东城", "西城", "朝阳", "海淀", "丰台", "石景山", "门头沟", "房山", "通州", "顺义", "昌平", "大兴", "怀柔", "平谷", "密云", "延庆")
STREETS = ("德胜", "新街口", "什刹海", "西长安街", "展览路", "月坛", "金融街", "广安门内", "广安门外", "牛街", "白纸坊",
           "陶然亭", "椿树", "大栅栏", "天桥", "和平里", "安贞", "望京", "中关村", "学院路", "卢沟桥", "八宝山", "永定",
           "长阳", "梨园", "胜利", "回龙观", "黄村", "泉河", "滨河", "鼓楼", "儒林")

#: Sentences mixed into summaries and step texts, so pages do not repeat each other word for word.
PHRASES = (
    "{place}的申请人可以就近到街道便民服务中心咨询，工作人员会一次性告知需要准备的全部材料。",
    "材料齐全、符合法定形式的当场受理；材料不全的，窗口出具一次性告知单，写明还需补正的内容。",
    "老年人、残疾人等行动不便的群众可以预约上门服务，由社区工作人员代为收取材料。",
    "{place}实行“一窗受理、集成服务”，综合窗口收件后由后台分类审批，办结后统一出件。",
    "网上申请的可以实时查询办理进度，审核通过后会收到短信通知。",
    "办理结果可以选择窗口领取，也可以选择免费邮寄到家。",
    "同一事项在{place}各服务网点的办理标准一致，不需要重复提交已经提交过的材料。",
    "对办理结果有异议的，可以在收到结果之日起六十日内申请行政复议，或在六个月内提起行政诉讼。",
    "首次办理的，建议先拨打咨询电话或在网上预审，确认材料无误后再到现场。",
    "周末和节假日可以通过自助终端提交申请，工作日由窗口人员审核。",
    "通过电子证照库能够获取的证照，申请人可以不再提交纸质材料。",
    "委托他人办理的，受托人需携带本人身份证件和委托人签字的授权委托书。",
)

#: Step durations are varied among these values of their own unit.
_DURATION_STEPS = {"分钟": (5, 10, 15, 20, 30, 45, 60), "小时": (1, 2, 4, 8), "工作日": (1, 2, 3, 5, 7, 10), "自然日": (1, 3, 7, 15)}


class SynthError(RuntimeError):
    """The synthetic tree cannot be written (bad arguments, or a folder that is not ours to replace)."""


@dataclass
class Templates:
    """The sample content, as plain data read with the project's own loader (YAML 1.2 scalars, dates as dates)."""

    matters: list[dict[str, Any]]                         # in generation order
    handbooks: list[dict[str, Any]]                       # SOPs of kind 业务手册 (one matter each)
    window_sops: list[dict[str, Any]]                     # other SOPs, copied once
    guides: list[dict[str, Any]]
    verbatim: dict[str, bytes] = field(default_factory=dict)  # halls/ and departments/ files, copied as they are


def _load_folder(root: Path, folder: str) -> list[dict[str, Any]]:
    out = []
    for path in sorted((root / folder).glob("*.yaml")):
        doc, problems = load_file(root, path)
        if doc is None or problems:
            raise SynthError(f"样例文件无法读取：{problems[0] if problems else path}")
        out.append(doc.data)
    return out


def load_templates(root: Path = REPO) -> Templates:
    """Read the sample content under `root`. Matters that stand on their own come first in a generation, then
    merged, delegated and cancelled ones (whose successor must exist), so a small N still validates."""
    matters = _load_folder(root, BY_NAME["matter"].folder)
    active = [m for m in matters if m.get("status", {}).get("state") in ("在办", "暂停")]
    other = [m for m in matters if m not in active]
    sops = _load_folder(root, BY_NAME["sop"].folder)
    verbatim = {}
    for folder in ("halls", "departments"):
        for path in sorted((root / folder).glob("*.yaml")):
            verbatim[f"{folder}/{path.name}"] = path.read_bytes()
    return Templates(
        matters=active + other,
        handbooks=[s for s in sops if s.get("kind") == "业务手册" and s.get("matter")],
        window_sops=[s for s in sops if not (s.get("kind") == "业务手册" and s.get("matter"))],
        guides=_load_folder(root, BY_NAME["guide"].folder),
        verbatim=verbatim,
    )


def to_yaml(kind: str, data: dict[str, Any]) -> bytes:
    return content_yaml(kind, data, fast=True).encode("utf-8")


# --------------------------------------------------------------------------------------------------- variants

def place_of(generation: int, seed: int) -> str:
    """The implementing location of a generation: a district and a street, unique per generation (up to 512)."""
    rng = random.Random(f"places:{seed}")
    combos = [(d, s) for d in DISTRICTS for s in STREETS]
    rng.shuffle(combos)
    d, s = combos[generation % len(combos)]
    lap = generation // len(combos)
    return f"{d}区{s}街道" + (f"第{lap + 1}服务站" if lap else "")


def _suffix(ident: str, generation: int) -> str:
    return f"{ident}-g{generation:04d}"


def _phone(n: int, avoid: set[str]) -> str:
    while True:
        value = f"010-0000-{n % 10000:04d}"
        if value not in avoid:
            return value
        n += 1


def vary_matter(template: dict[str, Any], generation: int, index: int, seed: int, present: set[str]) -> dict[str, Any]:
    """Matter number `index` (generation `generation`) from a sample matter. `present` holds the template ids
    that exist in this generation: references to others are dropped."""
    m = copy.deepcopy(template)
    rng = random.Random(f"matter:{seed}:{index}")
    place = place_of(generation, seed)
    short_place = place.split("区", 1)[1]

    def ref(ident: str) -> str:
        return _suffix(ident, generation)

    m["id"] = ref(template["id"])
    m["name"] = f"{template['name']}（{place}）"
    names = list(template.get("popular_names") or [])
    rng.shuffle(names)
    if names:
        names.insert(rng.randrange(min(len(names), 5) + 1), f"{short_place}{names[0]}")  # kept: each place's names differ
        m["popular_names"] = names[:6]
    m["summary"] = template["summary"] + rng.choice(PHRASES).format(place=place)

    codes = m["codes"]
    codes["implementation"] = f"{codes['implementation']}{generation:05d}"
    if codes.get("handle_item"):
        codes["handle_item"] = f"{codes['handle_item']}{generation:05d}"[:40]

    for step in m.get("steps", []):
        if rng.random() < 0.5:
            step["text"] = step["text"] + rng.choice(PHRASES).format(place=place)
        duration = step.get("duration")
        if duration and duration.get("value"):
            span = duration["max"] - duration["value"] if duration.get("max") else None
            duration["value"] = rng.choice(_DURATION_STEPS.get(duration["unit"], (duration["value"],)))
            if span is not None:  # a range (30–60 分钟) keeps its width, so max stays above value
                duration["max"] = duration["value"] + span

    legal = m["time_limits"]["legal"]
    if isinstance(legal, dict) and legal["unit"] in ("工作日", "自然日") and legal["value"] > 0:  # not 未说明
        legal["value"] += rng.choice((0, 0, 0, 5, 10))   # only ever longer: promised ≤ legal still holds

    complaint = {c["value"] for c in m["contacts"]["complaint"] if c.get("type") == "电话"}
    for c in m["contacts"]["consult"]:
        if c.get("type") == "电话":
            c["value"] = _phone(rng.randrange(10000), complaint)

    if m.get("related"):
        m["related"] = [ref(r) for r in m["related"] if r in present]
    if m.get("links"):
        m["links"] = [{**link, "matter": ref(link["matter"])} for link in m["links"] if link["matter"] in present]
    status = m.get("status", {})
    if status.get("successor"):
        status["successor"] = ref(status["successor"])
    if status.get("alternatives"):
        status["alternatives"] = [ref(a) for a in status["alternatives"] if a in present]
    return m


def _standalone(template: dict[str, Any], present: set[str]) -> bool:
    """Whether a sample matter can be part of a generation that holds only `present`."""
    successor = template.get("status", {}).get("successor")
    return not successor or successor in present


def vary_handbook(template: dict[str, Any], generation: int, seed: int) -> dict[str, Any]:
    s = copy.deepcopy(template)
    s["id"] = _suffix(template["id"], generation)
    s["matter"] = _suffix(template["matter"], generation)
    s["title"] = f"{template['title']}（{place_of(generation, seed)}）"
    return s


def vary_guide(template: dict[str, Any], generation: int, seed: int) -> dict[str, Any]:
    g = copy.deepcopy(template)
    place = place_of(generation, seed)
    g["id"] = _suffix(template["id"], generation)
    g["title"] = f"{template['title']}（{place}）"
    for step in g["steps"]:
        step["matters"] = [_suffix(mid, generation) for mid in step["matters"]]
    return g


# --------------------------------------------------------------------------------------------------- the tree

@dataclass
class Plan:
    """Every content file of the tree: relative path -> bytes, plus counts for the summary line."""

    files: dict[str, bytes]
    counts: dict[str, int]


def plan(n_matters: int, seed: int = 0, templates: Templates | None = None) -> Plan:
    """The content files of a tree with `n_matters` matters (nothing is written)."""
    if n_matters < 1:
        raise SynthError("--matters 至少为 1")
    t = templates or load_templates()
    if not t.matters:
        raise SynthError("样例里没有事项，无法生成")
    files: dict[str, bytes] = dict(t.verbatim)
    ids: dict[str, list[str]] = {kind: [] for kind in PREFIX}
    ids["hall"] = sorted(Path(rel).stem for rel in t.verbatim if rel.startswith("halls/"))

    for s in t.window_sops:
        files[f"sop/{s['id']}.yaml"] = to_yaml("sop", s)
        ids["sop"].append(s["id"])

    index = 0
    generation = 0
    while index < n_matters:
        # A whole generation is every template; a last, partial one takes the templates in order (stand-alone
        # matters come first), less those whose successor did not make it in.
        chosen = list(t.matters[:n_matters - index])
        while True:
            present = {c["id"] for c in chosen}
            kept = [c for c in chosen if _standalone(c, present)]
            if len(kept) == len(chosen):
                break
            chosen = kept
        if not chosen:
            raise SynthError("样例事项都依赖不存在的接替事项，无法生成")
        for tmpl in chosen:
            m = vary_matter(tmpl, generation, index, seed, present)
            files[f"matters/{m['id']}.yaml"] = to_yaml("matter", m)
            ids["matter"].append(m["id"])
            index += 1
        for h in t.handbooks:
            if h["matter"] in present:
                s = vary_handbook(h, generation, seed)
                files[f"sop/{s['id']}.yaml"] = to_yaml("sop", s)
                ids["sop"].append(s["id"])
        for gd in t.guides:
            if all(mid in present for step in gd["steps"] for mid in step["matters"]):
                g = vary_guide(gd, generation, seed)
                files[f"guides/{g['id']}.yaml"] = to_yaml("guide", g)
                ids["guide"].append(g["id"])
        generation += 1

    entries: dict[str, Entry] = {}
    for kind, idents in ids.items():
        for n, ident in enumerate(idents, start=1):
            code = f"{PREFIX[kind]}{n:0{WIDTH[kind]}d}"
            entries[code] = Entry(code, kind, ident, ISSUED)
    files[REGISTRY.as_posix()] = dump(entries).encode("utf-8")
    counts = {"matters": len(ids["matter"]), "sops": len(ids["sop"]), "guides": len(ids["guide"]),
              "halls": len(ids["hall"]), "departments": sum(rel.startswith("departments/") for rel in t.verbatim)}
    return Plan(files, counts)


def write(out: Path, n_matters: int, seed: int = 0, source: Path = REPO, link_tools: bool = True) -> Plan:
    """Write the synthetic tree to `out`: created, or rewritten if it is an earlier synthetic tree (whose content
    and project files are replaced; build output such as site/ or generated/<audience>/ is left alone).

    A rewrite leaves a file that is already right in place and deletes only what the new tree does not have: on
    ext4, thousands of files deleted just before a timed build make that build's new files slower to create."""
    p = plan(n_matters, seed, load_templates(source))
    out = out.resolve()
    if out == source.resolve():
        raise SynthError("不能把合成内容写进源仓库本身")
    if out.exists():
        if not out.is_dir():
            raise SynthError(f"{out} 不是目录")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise SynthError(f"{out} 不是空目录，也不是以前生成的合成内容树；为了不覆盖真实内容，请换一个目录")
    summary = " ".join(f"{k}={v}" for k, v in p.counts.items())
    wanted = {rel: (source / rel).read_bytes() for rel in PROJECT_FILES}
    for rel in PROJECT_DIRS:
        wanted.update(_dir_files(source, rel))
    if not link_tools:
        wanted.update(_dir_files(source, "build_tools"))
    wanted.update(p.files)
    wanted[MARKER] = f"synthetic content tree (bench/synth.py): matters={n_matters} seed={seed}\n{summary}\n".encode()
    _remove_unwanted(out, wanted, keep_tools_link=link_tools and _links_to(out / "build_tools", source / "build_tools"))
    for rel, data in sorted(wanted.items()):
        target = out / rel
        if not (target.is_file() and target.read_bytes() == data):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    for folder in ("matters", "sop", "guides"):
        (out / folder).mkdir(exist_ok=True)
    if link_tools and not (out / "build_tools").is_symlink():
        (out / "build_tools").symlink_to(source.resolve() / "build_tools", target_is_directory=True)
    return p


def _links_to(link: Path, target: Path) -> bool:
    return link.is_symlink() and link.resolve() == target.resolve()


def _remove_unwanted(out: Path, wanted: dict[str, bytes], keep_tools_link: bool) -> None:
    """Delete what synth wrote before and the new tree does not have (build output such as site/ stays)."""
    for rel in (*OWNED, *PROJECT_FILES, *PROJECT_DIRS):
        child = out / rel
        if rel == "build_tools" and keep_tools_link:
            continue
        if child.is_symlink():
            child.unlink()
        elif child.is_file():
            if rel not in wanted:
                child.unlink()
        elif child.is_dir():
            for dirpath, _dirs, names in os.walk(child, topdown=False):
                for name in names:
                    path = Path(dirpath, name)
                    if path.relative_to(out).as_posix() not in wanted:
                        path.unlink()
                if not any(Path(dirpath).iterdir()):
                    Path(dirpath).rmdir()


def _dir_files(source: Path, rel: str) -> dict[str, bytes]:
    """The files of a project folder, by path relative to the repository (no caches)."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(source / rel):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            if not name.endswith(".pyc"):
                path = Path(dirpath, name)
                files[path.relative_to(source).as_posix()] = path.read_bytes()
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成合成内容树（N 个事项，由样例派生，用于性能测试和测试）；同一 seed 输出逐字节相同")
    parser.add_argument("--matters", type=int, required=True, metavar="N", help="事项个数")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="输出目录（不存在则新建；已存在时必须为空，或是以前生成的合成内容树）")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="随机种子（默认 0）")
    parser.add_argument("--copy-tools", action="store_true", help="复制 build_tools/ 而不是建立符号链接")
    args = parser.parse_args(argv)
    try:
        made = write(args.out, args.matters, args.seed, link_tools=not args.copy_tools)
    except SynthError as err:
        print(err, file=sys.stderr)
        return 2
    counts = made.counts
    print(f"已生成合成内容树 {args.out}：{counts['matters']} 个事项、{counts['sops']} 个 SOP、{counts['guides']} 个场景指南、"
          f"{counts['halls']} 个大厅、{counts['departments']} 个部门（seed {args.seed}）。", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
