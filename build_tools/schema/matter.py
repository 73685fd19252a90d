"""The matter (事项, one 业务办理项 per file): all 26 elements Beijing requires in every 办事指南.

Element names from 《北京市政务服务标准化管理办法》 art. 6 are given in each description, so an editor can find
"where does 收费依据 go" by searching the field reference.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from .common import (
    INTERNAL,
    Contact,
    Count,
    Duration,
    HistoryEntry,
    LocalId,
    Phone,
    ShortText,
    Slug,
    Strict,
    Text,
    Unstated,
    Url,
)
from .place import WindowKind
from .situations import Example, Question, Situation, When


class MatterType(StrEnum):
    LICENSING = "行政许可"
    PENALTY = "行政处罚"
    ENFORCEMENT = "行政强制"
    LEVY = "行政征收"
    PAYMENT = "行政给付"
    INSPECTION = "行政检查"
    CONFIRMATION = "行政确认"
    REWARD = "行政奖励"
    ADJUDICATION = "行政裁决"
    OTHER_POWER = "其他行政权力"
    PUBLIC_SERVICE = "公共服务"


class Audience(StrEnum):
    PERSON = "自然人"
    LEGAL_PERSON = "法人"
    OTHER_ORG = "其他组织"


class BodyNature(StrEnum):
    STATUTORY = "法定机关"
    AUTHORISED = "授权组织"
    ENTRUSTED = "受委托组织"


class PowerSource(StrEnum):
    """权力来源, the national code list 1-6; delegation (下放/委托) is recorded here."""

    OWN_LEVEL = "法定本级行使"
    DEVOLVED = "上级下放"
    AUTHORISED_ABOVE = "上级授权"
    AUTHORISED_SAME = "同级授权"
    ENTRUSTED_ABOVE = "上级委托"
    ENTRUSTED_SAME = "同级委托"


class Level(StrEnum):
    CITY = "市级"
    DISTRICT = "区级"
    STREET = "街道级"
    COMMUNITY = "社区级"


class Necessity(StrEnum):
    REQUIRED = "必要"
    DEFERRABLE = "容缺"
    CONDITIONAL = "按情形"


class MaterialForm(StrEnum):
    PAPER = "纸质"
    ELECTRONIC = "电子"


class HandlingType(StrEnum):
    IMMEDIATE = "即办件"
    PROMISED = "承诺件"


class ResultType(StrEnum):
    CERTIFICATE = "出证办结"
    DOCUMENT = "出文办结"
    APPROVAL = "审批办结"
    OTHER = "其他"


class Delivery(StrEnum):
    WINDOW = "窗口领取"
    POST = "邮寄送达"
    ELECTRONIC = "电子证照"


class OnlineDepth(StrEnum):
    """网上办理深度, national code list 1-7."""

    CONSULT = "互联网咨询"
    RECEIVE = "收件"
    PRE_REVIEW = "预审"
    ACCEPT = "受理"
    HANDLE = "办理"
    FEEDBACK = "结果信息反馈"
    E_LICENCE = "电子证照反馈"


class Scope(StrEnum):
    """通办范围: where else the matter can be handled besides its own hall."""

    NONE = "不通办"
    STREET = "全街道"
    DISTRICT = "全区"
    CITY = "全市"
    COUNTRY = "全国"


class State(StrEnum):
    ACTIVE = "在办"
    SUSPENDED = "暂停"
    CANCELLED = "取消"
    MERGED = "合并"
    DELEGATED = "下放"


class StepLogic(StrEnum):
    AND = "和"
    OR = "或"


class Channel(StrEnum):
    """Which way of applying a step belongs to, where the online and the on-site journeys differ."""

    ONLINE = "网上"
    WINDOW = "窗口"


class ProcedureKind(StrEnum):
    """特别程序: steps the time limit usually does not count."""

    PUBLICITY = "公示"
    ANNOUNCEMENT = "公告"
    INSPECTION = "现场核查"
    EXPERT_REVIEW = "专家评审"
    HEARING = "听证"
    TESTING = "检验检测"
    OTHER = "其他"


class Where(StrEnum):
    """管辖: where one may apply, as a rule. Streets' own halls are found by the citizen's street."""

    HUKOU = "户籍地"
    RESIDENCE = "居住地"
    REGISTERED = "注册地"
    BUSINESS = "经营地"
    ANY = "任一大厅"


class LinkType(StrEnum):
    PREREQUISITE = "前置"   # 办这件事之前先办
    FEEDS = "结果用于"       # 办完后还可以办（本事项的结果是那个事项的材料）
    JOINT = "联办"           # 同时由另一部门一并办理

class Codes(Strict):
    catalog: str = Field(pattern=r"^[0-9A-Z]{6,12}$", description="基本编码（基本目录中的 12 位以内编码）")
    implementation: str = Field(pattern=r"^[0-9A-Z]{10,36}$", description="实施编码（本区实施清单中的编码）")
    handle_item: str | None = Field(None, pattern=r"^[0-9A-Z]{10,40}$", description="业务办理项编码")


class Authority(Strict):
    body: Slug = Field(description="实施主体：部门 id（departments/ 下的文件名）")
    nature: BodyNature = Field(description="实施主体性质：法定机关、授权组织或受委托组织")
    power_source: PowerSource = Field(description="权力来源；下放、委托的事项在这里写明")
    from_body: str | None = Field(None, max_length=100, description="下放或委托的原实施机关（权力来源不是“法定本级行使”时必填）")
    joint_bodies: list[Slug] = Field(default_factory=list, description="联办机构：联合受理的部门 id")
    level: Level = Field(description="行使层级")


class LegalBasis(Strict):
    title: ShortText | None = Field(None, description="法律法规名称，带书名号，例如《中华人民共和国公司法》；只有文号时可以不写")
    doc_no: str | None = Field(None, max_length=100, description="文号，例如 国务院令第 666 号、京政办发〔2022〕5 号")
    article: ShortText | None = Field(None, description="条款号，例如 第二十九条；依据全文时写“全文”，来源没有写条款时不写")
    excerpt: str | None = Field(None, max_length=2000, description="条款内容摘录")


class Alternative(Strict):
    id: LocalId = Field(description="选项编号，本事项内唯一，例如 c2a")
    text: Text = Field(description="可以满足的一项条件")


class Condition(Strict):
    id: LocalId = Field(description="条件编号，本事项内唯一，例如 c1；业务手册用它引用这个条件")
    text: Text = Field(description="受理条件，写清楚谁、在什么情况下可以办；有 alternatives 时写引导语，例如“户籍符合下列条件之一”")
    alternatives: list[Alternative] = Field(default_factory=list, description="满足其一即可的几项条件（“满足下列条件之一”）")
    when: When | None = Field(None, description="只适用于这些回答，例如 {huji: liudong}")


class Material(Strict):
    id: LocalId = Field(description="材料编号，本事项内唯一，例如 m1；业务手册和一次性告知单用它引用这份材料")
    name: ShortText = Field(description="材料名称，写全称；不要写“其他材料”之类的兜底项")
    necessity: Necessity = Field(description="材料必要性：必要、容缺（可先受理后补交）或按情形")
    condition: str | None = Field(None, max_length=300, description="什么情形下需要（必要性为“按情形”且没有 when 时必填）")
    when: When | None = Field(None, description="只在这些回答下需要，例如 {biangeng: zhusuo}")
    originals: Count = Field(description="原件份数（0 表示只需复印件；来源没有写明时写“未说明”）")
    copies: Count = Field(description="复印件份数（来源没有写明时写“未说明”）")
    for_each: list[ShortText] = Field(default_factory=list, description="每人一份时写明是谁，例如 [男方, 女方]；份数按每人计")
    form: list[MaterialForm] = Field(min_length=1, description="材料形式：纸质、电子，可多选")
    source: ShortText = Field(description="到哪里取得这份材料，例如“申请人自备”或“户籍所在地派出所开具”")
    blank_form: Url | None = Field(None, description="空白表格下载地址")
    sample: Url | None = Field(None, description="示例样表地址")
    exempt: bool = Field(False, description="免提交：政府部门通过数据共享获取，申请人不用带")
    notes: str | None = Field(None, max_length=1000, description="填报须知或规格要求")


class Place(Strict):
    hall: Slug | None = Field(None, description="在哪个大厅办：大厅 id")
    text: str | None = Field(None, max_length=200, description="地点说明，例如“综合受理窗口”或“北京市政务服务网”")


class SubStep(Strict):
    title: ShortText = Field(description="子步骤标题，以动词开头")
    text: str | None = Field(None, max_length=2000, description="说明")
    optional: bool = Field(False, description="可选子步骤")


class Step(Strict):
    """One step of the citizen's journey, in GOV.UK step-by-step vocabulary with structured facts per step."""

    title: ShortText = Field(description="步骤标题，以动词开头，例如“提交申请”")
    text: Text = Field(description="这一步要做什么，写给办事群众看")
    logic: StepLogic | None = Field(None, description="与上一步的关系：“和”表示同时要做，“或”表示二选一；不占步骤序号")
    optional: bool = Field(False, description="可选步骤（在标题中也要说明）")
    where: Place | None = Field(None, description="在哪里办这一步")
    duration: Duration | None = Field(None, description="这一步大约需要多长时间")
    fee: str | None = Field(None, max_length=200, description="这一步的费用，例如“不收费”")
    link: Url | None = Field(None, description="网上办理或预约的链接")
    substeps: list[SubStep] = Field(default_factory=list, description="子步骤")
    channel: Channel | None = Field(None, description="只属于网上办理或窗口办理的步骤写明；两种方式都要走的步骤不写")
    when: When | None = Field(None, description="只适用于这些回答")


class TimeVariant(Strict):
    when: When = Field(description="适用于这些回答")
    promised: Duration = Field(description="这些回答下的承诺办结时限")
    legal: Duration | None = Field(None, description="这些回答下的法定办结时限（与总的不同时写）")
    note: str | None = Field(None, max_length=300, description="说明")


class Extension(Strict):
    duration: Duration = Field(description="可以延长多久，例如 3 个工作日")
    condition: ShortText = Field(description="什么情况下可以延长，例如“情形复杂，经登记机关负责人批准”")


class TimeLimits(Strict):
    legal: Duration | Unstated = Field(description="法定办结时限；法律法规没有规定、来源也没有写明时写“未说明”")
    promised: Duration = Field(description="承诺办结时限；不得超过法定时限；0 表示即办")
    variants: list[TimeVariant] = Field(default_factory=list, description="按情形不同的时限")
    extension: Extension | None = Field(None, description="可以延长的情形和时长")


class SpecialProcedure(Strict):
    """特别程序: 公示、公告、现场核查、专家评审、听证、检验检测, with its own duration."""

    kind: ProcedureKind = Field(description="程序：公示、公告、现场核查、专家评审、听证、检验检测或其他")
    name: ShortText | None = Field(None, description="程序名称（与种类不同时写），例如“减资公告”")
    duration: Duration = Field(description="需要多长时间")
    counted: bool = Field(description="是否计算在办结时限内（通常不计算：false）")
    before: bool = Field(False, description="要在申请之前完成（例如减资先公告 45 日再申请）")
    note: str | None = Field(None, max_length=300, description="说明")
    when: When | None = Field(None, description="只适用于这些回答")


class Deadline(Strict):
    """申请期限: 自作出决议之日起 30 日内申请."""

    duration: Duration = Field(description="期限，例如 30 个自然日")
    since: ShortText = Field(description="从什么时候起算，例如“作出变更决议、决定之日”")


class Visits(Strict):
    count: int = Field(ge=0, le=10, description="到窗口办理时，到办事现场的次数")
    online: int | None = Field(None, ge=0, le=10, description="网上办理时到现场的次数（例如领取纸质证件 1 次）；不写表示 0")
    reason: str | None = Field(None, max_length=300, description="必须到现场的原因（次数大于 0 时必填）")


class FeeItem(Strict):
    name: ShortText = Field(description="收费项目名称")
    standard: ShortText = Field(description="收费标准，例如“每件 5 元”")
    basis: ShortText = Field(description="收费依据（文件名称和文号）")
    reducible: bool = Field(False, description="是否可以减免")
    when: When | None = Field(None, description="只适用于这些回答")


class Fees(Strict):
    charged: bool = Field(description="是否收费；不收费写 false，不能空着")
    items: list[FeeItem] = Field(default_factory=list, description="收费项目（收费时至少一项）")
    online_payment: bool = Field(False, description="是否支持网上支付")


class ResultVariant(Strict):
    when: When = Field(description="适用于这些回答")
    name: ShortText = Field(description="这些回答下的结果名称，例如《登记通知书》")
    type: ResultType | None = Field(None, description="结果类型（与总的不同时写）")
    delivery: list[Delivery] | None = Field(None, description="送达方式（与总的不同时写）")
    available: Duration | None = Field(None, description="什么时候能拿到（与总的不同时写）")


class Result(Strict):
    name: ShortText = Field(description="结果名称，例如《营业执照》")
    type: ResultType = Field(description="结果类型：出证办结、出文办结、审批办结或其他")
    sample: Url | None = Field(None, description="结果样本地址")
    delivery: list[Delivery] = Field(min_length=1, description="送达方式")
    available: Duration | None = Field(None, description="办结后什么时候能拿到结果，例如电子登记单当场（0）、纸质服务单 3 个工作日后")
    variants: list[ResultVariant] = Field(default_factory=list, description="按情形不同的结果")


class WhereVariant(Strict):
    when: When = Field(description="适用于这些回答")
    rule: Where = Field(description="这些回答下到哪里办：户籍地、居住地、注册地、经营地或任一大厅")
    halls: list[Slug] | None = Field(None, min_length=1, description="这些回答下只有这几个大厅能办时写明（须在 halls 里），例如当场制卡只在人社大厅")


class Jurisdiction(Strict):
    """Where one may apply: not "any of these halls" when only the hall of one's hukou or residence accepts."""

    rule: Where = Field(description="到哪里办：户籍地、居住地、注册地、经营地（所在街道的大厅）或任一大厅")
    variants: list[WhereVariant] = Field(default_factory=list, description="按情形不同的规则，例如流动人口到居住地")
    note: str | None = Field(None, max_length=300, description="说明")


class WindowChannel(Strict):
    halls: list[Slug] = Field(min_length=1, description="可以办理的大厅 id")
    windows: dict[Slug, list[ShortText]] = Field(default_factory=dict, description="各大厅的窗口号，例如 {district-hall: [A12, A13]}；必须是大厅文件里有的窗口")
    window_kind: WindowKind | None = Field(None, description="可以在这些大厅的哪一类窗口办，例如“综合受理”（任一综合受理窗口）")
    jurisdiction: Jurisdiction | None = Field(None, description="管辖：只能到户籍地、居住地等所在街道的大厅时写明")
    note: str | None = Field(None, max_length=300, description="窗口办理说明")


class OnlineChannel(Strict):
    url: Url = Field(description="网上办理地址")
    mobile_url: Url | None = Field(None, description="手机端办理地址")
    depth: list[OnlineDepth] = Field(min_length=1, description="网上办理深度，可多选")
    note: str | None = Field(None, max_length=300, description="网上办理说明")


class Appointment(Strict):
    supported: bool = Field(description="是否支持预约办理")
    url: Url | None = Field(None, description="预约地址")
    phone: Phone | None = Field(None, description="预约电话")


class Express(Strict):
    supported: bool = Field(description="是否支持物流快递（寄送材料或结果）")
    note: str | None = Field(None, max_length=300, description="快递说明")


class Channels(Strict):
    window: WindowChannel | None = Field(None, description="窗口办理")
    online: OnlineChannel | None = Field(None, description="网上办理")
    appointment: Appointment = Field(description="预约办理")
    self_service_halls: list[Slug] = Field(default_factory=list, description="有自助终端可办理的大厅 id")
    express: Express = Field(description="物流快递")


class Contacts(Strict):
    consult: list[Contact] = Field(min_length=1, description="咨询方式")
    complaint: list[Contact] = Field(min_length=1, description="监督投诉方式（应包括 12345 市民服务热线）")


class Faq(Strict):
    q: ShortText = Field(description="问题，用办事群众的话来问")
    a: Text = Field(description="回答")
    when: When | None = Field(None, description="只适用于这些回答")


class MatterLink(Strict):
    type: LinkType = Field(description="关系：前置（先办那件事）、结果用于（办完可以去办那件事）、联办（一并办理）")
    matter: Slug = Field(description="那个事项的 id")
    note: str | None = Field(None, max_length=200, description="说明，例如“生育服务单用于申领生育津贴”")
    when: When | None = Field(None, description="只适用于这些回答，例如联办个税只适用于自然人股东")


class Status(Strict):
    state: State = Field(description="状态：在办、暂停、取消、合并或下放")
    since: dt.date = Field(description="状态生效日期")
    reason: str | None = Field(None, max_length=500, description="暂停、取消、合并或下放的原因")
    successor: Slug | None = Field(None, description="合并或下放后接替的事项 id")
    alternatives: list[Slug] = Field(default_factory=list, description="取消后可以改办的事项 id")


class Review(Strict):
    owner: Slug = Field(description="负责维护本页的部门 id")
    last_verified: dt.date = Field(description="最近一次核对内容的日期")
    verified_by: str | None = Field(None, max_length=100, json_schema_extra=INTERNAL, description="核对人（内部字段，不公开）")


class Matter(Strict):
    """事项: one 业务办理项. The file name is `<id>.yaml`, and the id never changes."""

    id: Slug = Field(description="事项 id：小写拼音或英文加连字符，与文件名相同，发布后不再修改")
    name: ShortText = Field(description="事项名称（法定名称）")
    popular_names: list[ShortText] = Field(default_factory=list, description="俗称：群众平时怎么说，例如“上户口”")
    summary: Text = Field(description="一句话说明能办什么")
    questions: list[Question] = Field(default_factory=list, max_length=6, description="办理情形的问题（你的情况）；简单事项不写")
    situations: list[Situation] = Field(default_factory=list, max_length=30, description="有名称的情形：几个回答的组合，例如“流动人口再生育”")
    examples: list[Example] = Field(default_factory=list, description="例子：给定回答应当得到的材料、地点、时限；validate 逐个核对")
    codes: Codes = Field(description="事项编码")
    matter_type: MatterType = Field(description="事项类型")
    audience: list[Audience] = Field(min_length=1, description="服务对象：自然人、法人、其他组织")
    topics: list[ShortText] = Field(min_length=1, description="主题分类，例如 生育收养、设立变更")
    authority: Authority = Field(description="实施主体、性质、权力来源和行使层级")
    legal_basis: list[LegalBasis] = Field(min_length=1, description="设定依据：法律法规名称和条款")
    conditions: list[Condition] = Field(min_length=1, description="受理条件")
    materials: list[Material] = Field(default_factory=list, description="所需材料（含容缺受理的材料）")
    review_standard: Text = Field(description="审查标准：窗口审查材料时看什么")
    steps: list[Step] = Field(min_length=1, description="办理流程：办事群众要走的步骤")
    time_limits: TimeLimits = Field(description="法定办结时限和承诺办结时限")
    special_procedures: list[SpecialProcedure] = Field(default_factory=list, description="特别程序：公示、公告、现场核查等，写明时长和是否计入时限")
    deadline: Deadline | None = Field(None, description="申请期限，例如自作出决议之日起 30 日内申请")
    handling_type: HandlingType = Field(description="办件类型：即办件（当场办结）或承诺件")
    visits: Visits = Field(description="到办事现场次数")
    fees: Fees = Field(description="收费标准和收费依据；不收费也要写明")
    result: Result = Field(description="办理结果：结果名称、类型、样本")
    channels: Channels = Field(description="办理形式：窗口、网上、预约、自助终端、快递")
    scope: Scope = Field(description="通办范围，例如“全区”（同区通办）")
    hours: str | None = Field(None, max_length=300, description="办理时间；不写则用大厅的办公时间")
    place_note: str | None = Field(None, max_length=300, description="办理地点补充说明（地址写在大厅文件里，这里不要重复）")
    contacts: Contacts = Field(description="咨询方式和监督投诉方式")
    faq: list[Faq] = Field(default_factory=list, description="常见问题")
    related: list[Slug] = Field(default_factory=list, description="相关事项 id")
    links: list[MatterLink] = Field(default_factory=list, description="与其他事项的关系：前置、结果用于、联办")
    status: Status = Field(description="事项状态和生命周期")
    history: list[HistoryEntry] = Field(default_factory=list, description="变更记录")
    review: Review = Field(description="内容维护：负责部门和最近核对日期")
    staff_notes: str | None = Field(None, max_length=2000, json_schema_extra=INTERNAL, description="窗口内部备注（内部字段，不公开）")
    internal_phone: Phone | None = Field(None, json_schema_extra=INTERNAL, description="后台科室内线电话（内部字段，不公开）")

