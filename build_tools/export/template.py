"""The import template shipped in `templates/import/`: the spreadsheet departments fill in, and its column
reference. Both are generated from `tables.py` and the schema (a test compares them with the committed files),
so they cannot drift from what the importer reads.
"""

from __future__ import annotations

from ..load.yamlpos import load_text
from ..schema import Matter
from ..schema.reference import field_rows
from .tables import MATTER_ID, MATTERS, SHEETS, Column, Kind, Role, Sheet, catalogue_tables
from .workbook import GUIDE_SHEET, xlsx_bytes

FOLDER = "templates/import"
WORKBOOK = f"{FOLDER}/matters-template.xlsx"
README = f"{FOLDER}/README.md"

#: The example rows carry this matter id; the importer skips them, so a template filled in below them imports cleanly.
EXAMPLE_ID = "shili-qing-shanchu"

EXAMPLE_YAML = f"""\
id: {EXAMPLE_ID}
name: （示例）个体工商户营业执照补领
popular_names: [补办营业执照, 执照丢了]
summary: 个体工商户的营业执照遗失或损坏，申请补领。
codes:
  catalog: "000201099001"
  implementation: "11110102000201099001X"
matter_type: 公共服务
audience: [自然人]
topics: [设立变更]
authority:
  body: scjg
  nature: 法定机关
  power_source: 法定本级行使
  level: 区级
legal_basis:
  - title: 《促进个体工商户发展条例》
    doc_no: 国务院令第 755 号
    article: 第十条
conditions:
  - id: c1
    text: 营业执照遗失或损坏的个体工商户经营者本人。
materials:
  - id: m1
    name: 经营者身份证
    necessity: 必要
    originals: 1
    copies: 0
    form: [纸质]
    source: 申请人自备
review_standard: 申请人与登记的经营者一致。
steps:
  - title: 到窗口提出补领申请
    text: 带上身份证到企业开办专区窗口提出申请。
    where:
      hall: district-hall
    duration: {{value: 20, unit: 分钟}}
    fee: 每件 5 元
    substeps:
      - title: 填写补领申请表
        text: 在窗口领取申请表，当场填写。
  - title: 领取营业执照
    text: 当场领取补发的营业执照。
time_limits:
  legal:
    value: 15
    unit: 工作日
  promised:
    value: 0
    unit: 工作日
handling_type: 即办件
visits:
  count: 1
  reason: 需核验经营者身份证原件
fees:
  charged: true
  items:
    - name: 执照工本费（示例）
      standard: 每件 5 元
      basis: 示例收费文件
result:
  name: 营业执照（补发）
  type: 出证办结
  delivery: [窗口领取]
channels:
  window:
    halls: [district-hall]
    windows:
      district-hall: [B05, B06]
  appointment:
    supported: false
  express:
    supported: false
scope: 全区
contacts:
  consult:
    - type: 电话
      value: 010-0000-2101
      hours: 工作日 9:00-17:00
  complaint:
    - type: 电话
      value: "12345"
faq:
  - q: 可以委托别人补领吗？
    a: 可以，受托人带上委托书和本人身份证。
status:
  state: 在办
  since: 2026-01-01
history:
  - date: 2026-01-01
    change: 示例：补领执照当场办结。
review:
  owner: scjg
  last_verified: 2026-01-01
"""

CONVENTIONS = (
    "每个事项在“事项”工作表占一行。依据、条件、材料、步骤等列表各占一个工作表：每行第一列写它属于哪个事项（事项 id），行的先后就是列表的顺序。",
    "一个单元格里要写几项时，用“、”或换行分隔，例如：法人、自然人。",
    "“是/否”列填“是”或“否”；不是必填的留空等于“否”。",
    "“适用回答”“回答”“提问条件”列写问题编号和选项编号，例如 huji: liudong, biangeng: [zhusuo, jianshi]（多选的写在方括号里）；留空表示适用于所有人。",
    "来源没有写明的份数或法定时限，在份数或时限列写“未说明”。",
    "日期写成 YYYY-MM-DD，例如 2026-01-31。",
    "编码、电话等列要保持“文本”格式（本模板已经设好），否则开头的 0 会丢失；导入时编码列是数字格式的会被退回。",
    "不适用的列留空。“同组必填”的列属于一组可有可无的内容（例如网上办理的几列、步骤的所需时间和单位）：整组留空表示没有；填了组里任何一列，这一列也要填。",
    f"示例行（事项 id 为 {EXAMPLE_ID}）只作参考，导入时跳过；可以在它下面接着填写，也可以删掉。",
    "也可以用 CSV：每个工作表一个 UTF-8 编码的文件，放在同一个文件夹里。“事项”表是 名称.csv，其他表是 名称.<英文名>.csv（英文名见下表），"
    "例如 matters.csv、matters.materials.csv。",
    "内部字段（核对人、窗口内部备注、后台内线电话）在公开版导出的表格里是空的：用表格替换已有事项时，留空的内部字段保留原文件里的内容。",
    "导入：python -m build_tools import 文件.xlsx（或 文件.csv）。每个有问题的行都会列出“文件[工作表]:行:列: 问题”，全部改好之前不写任何文件；"
    "已有的事项文件只有加 --update 才会被覆盖。导入后运行 python -m build_tools codes assign 给新事项分配短码。",
)

GUIDE_HEADER = ["工作表", "CSV 英文名", "列名", "对应字段", "格式", "必填", "可选值", "说明"]

_ROLE_NOTES = {
    Role.ORDINAL: "步骤的顺序号 1、2、3……；按它排序，子步骤也用它指明属于哪一步",
    Role.PARENT: "这个子步骤属于第几步（“办理步骤”工作表里的步骤序号）",
    Role.KEY: "窗口所在大厅的 id（须是“窗口办理大厅”之一）",
    Role.VALUE: "这个大厅里办理本事项的窗口号，多个用“、”分隔",
}


def example_matter() -> Matter:
    doc, problems = load_text("example.yaml", EXAMPLE_YAML)
    assert doc is not None and not problems, problems
    return Matter.model_validate(doc.data)


def column_guide() -> list[list[str]]:
    """One row per column of every sheet: what to write there."""
    fields = {r.path: r for r in field_rows(Matter)}
    rows = []
    for sheet in SHEETS:
        if sheet is not MATTERS:
            rows.append([sheet.name, sheet.slug, MATTER_ID, "", Kind.TEXT.value, "是", "", "这一行属于哪个事项（“事项”工作表里的事项 id）"])
        for column in sheet.columns:
            rows.append(_guide_row(sheet, column, fields))
    return rows


def _guide_row(sheet: Sheet, column: Column, fields: dict) -> list[str]:
    kind = sheet.kind(column)
    choices = "、".join(sheet.choices(column)) if kind is not Kind.YES_NO else ""
    form = {Kind.LIST: "多选，用“、”分隔" if choices else "列表，用“、”分隔", Kind.TEXT: "选一项" if choices else "文字"}.get(kind, kind.value)
    if column.role is Role.FIELD:
        info = fields[sheet.full_path(column)]
        required, note = _required(sheet, sheet.full_path(column), fields), info.description
    else:
        required, note = ("" if column.role is Role.KEY or column.role is Role.VALUE else "是"), _role_note(sheet, column)
    path = "" if column.role.places else sheet.full_path(column)
    return [sheet.name, sheet.slug, column.header, path, form, required, choices, note]


def _role_note(sheet: Sheet, column: Column) -> str:
    if column.role is Role.PARENT_ID:
        parent = next(s for s in SHEETS if s.where == sheet.outer)
        return f"这一行属于哪一项（“{parent.name}”工作表里它的编号）"
    return _ROLE_NOTES[column.role]


def _required(sheet: Sheet, path: str, fields: dict) -> str:
    """是: always; 同组必填: required once its optional group (网上办理, 所需时间 ...) is filled at all."""
    if not fields[path].required:
        return ""
    inside = f"{sheet.where}[]." if sheet.where else ""
    parts = path.split(".")
    groups = [".".join(parts[:i]).removesuffix("[]") for i in range(1, len(parts))]
    return "同组必填" if any(not fields[g].required for g in groups if g.startswith(inside)) else "是"


def template_workbook() -> bytes:
    example = example_matter()
    guide = [[f"{GUIDE_SHEET}（本工作表不会被导入）"], *([c] for c in CONVENTIONS), [], GUIDE_HEADER, *column_guide()]
    return xlsx_bytes(catalogue_tables([example.model_dump(mode="json")]), example.review.last_verified, guide)


def template_readme() -> str:
    lines = [
        "# 事项导入模板",
        "",
        "由 `python -m build_tools import --template` 根据代码生成，请勿手改。部门填写 `matters-template.xlsx` 后，用",
        "`python -m build_tools import 文件.xlsx` 转成 `matters/` 下的 YAML 文件。网站构建时发布的 `api/catalogue.xlsx`",
        "（以及 `api/catalogue.csv` 等 CSV 文件）用的是同一格式，可以直接修改后再导入。",
        "",
        "## 填写规则",
        "",
        *(f"- {c}" for c in CONVENTIONS),
    ]
    for sheet in SHEETS:
        lines += ["", f"## {sheet.name}（CSV：`{'名称' if sheet is MATTERS else '名称.' + sheet.slug}.csv`）", "",
                  "| 列名 | 对应字段 | 格式 | 必填 | 可选值 | 说明 |", "|---|---|---|---|---|---|"]
        lines += [f"| {r[2]} | {f'`{r[3]}`' if r[3] else ''} | {r[4]} | {r[5]} | {r[6]} | {r[7]} |" for r in column_guide() if r[0] == sheet.name]
    return "\n".join(lines) + "\n"


def template_files() -> dict[str, bytes]:
    return {WORKBOOK: template_workbook(), README: template_readme().encode("utf-8")}
