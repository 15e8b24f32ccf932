"""Seeded generator of tenders with 3–15 bids (real DOCX and PDF) for the collusion suite.

Written against the scenario list in ../shared/domain/collusion_signals.md §4.2, not against the
detector: rings of 2–5 get 2–3 mechanisms mapped to 实施条例第四十条(一)–(五); every set carries
innocent look-alikes (tender text pasted, same 范本, same-brand dealers, fixed fees, default
metadata, all bids started from the tender's DOCX). Metadata is set deliberately on every file:
python-docx would otherwise give all files the same author and rsids.

Three situations are drawn from a second generator seeded from the seed (`_extras`), so the bids and rings
of every seed stay what they were: every bid carrying the same long 承诺书 that the trading centre hands out
(in neither the tender nor the 范本 library: a group finding, never a pair), two honest bids pasting the same
manufacturer brochure (model numbers, parameters; at most weak), and rings that share one or two misspellings
of common tender words (mechanism 四错字: the same writer makes the same slip; 「提共」 for 「提供」). The tender
carries a 技术规范 chapter, as real ones do, so that such words are common in it.

Disguise levels are cumulative: none < scrubbed (fresh metadata) < reworded (+ synonym/sentence/
width/zero-width edits on shared text) < jittered (+ item prices moved by up to ±0.5 %).
"""

from __future__ import annotations

import base64
import io
import json
import random
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

LEVELS = ("none", "scrubbed", "reworded", "jittered")
MECHANISMS = ("一", "二", "三", "四文字", "四报价", "五")

_SUR = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIV = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯晨欣雪梅琳倩颖佳俊帅海波云飞林峰博"
_CITY = ["金华", "义乌", "兰溪", "东阳", "永康", "武义", "浦江", "磐安", "婺城", "金东", "衢州", "丽水", "绍兴", "台州", "杭州", "宁波"]
_CORE = ["宏达", "鑫源", "恒通", "华建", "永盛", "中诚", "天宇", "瑞丰", "金鼎", "博远", "正泰", "新锐", "广厦", "润城",
         "嘉禾", "远航", "汇丰", "立信", "晟通", "德邦", "信和", "卓越", "祥瑞", "安泰", "盛世", "鸿运", "明珠", "华宇"]
_TRADE = ["建设", "建筑工程", "市政工程", "园林绿化", "路桥", "水利水电", "科技", "环境工程", "交通设施", "机电安装"]
# Technical-proposal vocabulary: short pieces, combined at random, so independent bidders do not share long runs.
_SUBJ = ["项目部", "我公司", "施工班组", "质检员", "技术组", "安全员", "材料员", "项目经理部", "专职人员", "监理配合小组",
         "测量组", "机械班", "后勤组", "各工区", "作业队"]
_ADV = ["严格", "及时", "全面", "认真", "定期", "分阶段", "按计划", "统一", "重点", "逐项", "动态", "同步", "细致", "持续"]
_VERB = ["检查", "落实", "组织", "复核", "记录", "部署", "协调", "控制", "跟踪", "验收", "整改", "优化", "监测", "安排", "交底"]
_OBJ = ["基坑支护", "钢筋绑扎", "模板安装", "混凝土浇筑", "管线迁改", "路基压实", "沥青摊铺", "排水管道", "绿化种植",
        "临时用电", "脚手架搭设", "材料进场", "雨季施工", "夜间施工", "扬尘治理", "交通疏导", "测量放线", "隐蔽工程",
        "防水层", "伸缩缝", "检查井", "人行道铺装", "路灯基础", "标线施划"]
_TAIL = ["确保符合设计要求", "做到工完场清", "形成书面记录", "发现问题立即整改", "每日报项目负责人", "并留存影像资料",
         "避免返工", "保证工期节点", "减少对周边居民影响", "落实到人", "由专人负责", "按规范分层验收", "接受监理旁站",
         "实行挂牌管理", "纳入周例会通报", "采用信息化手段跟踪"]
_WORKS = [("土方开挖", "m3"), ("土方回填", "m3"), ("C30混凝土路面", "m2"), ("水泥稳定碎石基层", "m2"), ("沥青混凝土面层", "m2"),
          ("HRB400钢筋", "t"), ("DN600排水管", "m"), ("DN300给水管", "m"), ("检查井", "座"), ("雨水口", "座"),
          ("人行道透水砖", "m2"), ("侧石安装", "m"), ("平石安装", "m"), ("路灯基础", "个"), ("乔木种植", "株"),
          ("灌木种植", "m2"), ("草皮铺设", "m2"), ("标线施划", "m2"), ("交通标志", "套"), ("模板", "m2"),
          ("脚手架", "m2"), ("挡土墙砌筑", "m3"), ("伸缩缝", "m"), ("防水层", "m2")]
_FIXED = [("安全文明施工费", "项"), ("规费", "项"), ("税金", "项"), ("暂列金额", "项")]
_SYN = {"检查": "核查", "落实": "执行", "组织": "安排", "及时": "第一时间", "严格": "从严", "确保": "保证", "记录": "登记",
        "项目部": "项目管理部", "全面": "全方位", "定期": "按期", "控制": "管控", "整改": "纠正", "协调": "沟通", "材料": "物资",
        "施工": "作业", "要求": "标准", "重点": "着重", "验收": "检验", "负责": "主管"}
_TYPOS = [("施工组织设计", "施工组织设记"), ("保证金", "保正金"), ("项目经理", "项目径理"), ("混凝土", "混泥土"),
          ("竣工验收", "竣工验受"), ("质量管理", "质量管里")]
EXTRA_MECHANISMS = ("四错字",)  # drawn from the extras generator, not from MECHANISMS (keeps old seeds stable)
# Misspellings (homophones, look-alike characters) of words a 技术规范 uses throughout: (right, wrong).
_SLIPS = [("提供", "提共"), ("安装", "按装"), ("检查", "捡查"), ("材料", "材科"), ("措施", "错施"), ("测量", "侧量"),
          ("编制", "编治"), ("确保", "确报"), ("部署", "部暑"), ("防护", "防户"), ("维修", "维休"), ("隐患", "隐换"),
          ("备案", "备按")]
# Where the ring's writer uses each word (its own sentences, so only the slip is shared).
_SLIP_PHRASES = {"提供": ["向监理提供{o}的检测报告", "提供{o}所需的全部机具", "按时提供{o}施工记录"],
                 "安装": ["安装{o}前复核预埋件位置", "完成{o}的安装调试", "安装过程中复核{o}标高"],
                 "检查": ["对{o}进行检查", "检查{o}的成品保护情况", "每日检查{o}作业面"],
                 "材料": ["{o}所用材料进场前报验", "材料堆放远离{o}区域", "按{o}进度组织材料"],
                 "措施": ["制定{o}专项措施", "落实{o}的防护措施", "{o}阶段采取降噪措施"],
                 "测量": ["{o}完成后复测量", "由测量组复核{o}轴线", "测量{o}的控制点"],
                 "编制": ["编制{o}专项方案", "{o}开工前编制作业指导书", "按{o}特点编制进度计划"],
                 "确保": ["确保{o}一次验收合格", "确保{o}工序衔接", "确保{o}期间道路通行"],
                 "部署": ["部署{o}作业力量", "按{o}节点部署人员", "合理部署{o}机械"],
                 "防护": ["做好{o}的临边防护", "{o}区域设置防护栏", "加强{o}成品防护"],
                 "维修": ["{o}保修期内免费维修", "安排专人维修{o}设备", "维修{o}时设置警示"],
                 "隐患": ["排查{o}安全隐患", "{o}隐患当日整改", "建立{o}隐患台账"],
                 "备案": ["{o}方案报监理备案", "{o}分包合同报备案", "{o}专项方案经论证后备案"]}
# The tender's 技术规范 chapter: each clause uses one of the words above (a real tender uses them dozens of times).
_SPEC_CLAUSES = {"提供": ["承包人应提供{o}的出厂合格证和检测报告。", "承包人应按监理要求提供{o}的施工记录。", "承包人应提供{o}所需的全部人员和机具。"],
                 "安装": ["{o}的安装应符合设计图纸要求。", "安装{o}前应复核预埋件位置。", "{o}安装完成后应经监理验收。"],
                 "检查": ["监理单位应对{o}进行检查。", "{o}完成后承包人应自行检查。", "发包人可随时检查{o}的施工质量。"],
                 "材料": ["{o}所用材料应符合国家标准。", "进场材料应按{o}的要求抽样送检。", "{o}材料不得使用国家明令淘汰的产品。"],
                 "措施": ["承包人应制定{o}的安全措施。", "{o}应采取有效的环境保护措施。", "{o}期间应落实扬尘防治措施。"],
                 "测量": ["{o}开工前应完成测量放线。", "测量成果应报监理复核后方可进行{o}。", "{o}的测量仪器应在检定有效期内。"],
                 "编制": ["承包人应编制{o}专项施工方案。", "{o}开工前应编制作业指导书。", "承包人应编制{o}的应急预案。"],
                 "确保": ["承包人应确保{o}的施工安全。", "{o}应确保一次验收合格。", "承包人应确保{o}期间道路畅通。"],
                 "部署": ["承包人应合理部署{o}的施工力量。", "{o}的人员部署应报监理审核。", "{o}的机械部署应满足工期要求。"],
                 "防护": ["{o}作业区域应设置安全防护设施。", "承包人应做好{o}的成品防护。", "{o}临边应设置防护栏杆。"],
                 "维修": ["缺陷责任期内{o}的维修费用由承包人承担。", "承包人应在接到通知后二十四小时内维修{o}。", "{o}维修应不影响正常通行。"],
                 "隐患": ["承包人应定期排查{o}的安全隐患。", "{o}发现的隐患应立即整改。", "{o}隐患整改情况应报监理复查。"],
                 "备案": ["{o}专项方案应报主管部门备案。", "{o}的分包合同应报发包人备案。", "{o}的应急预案应备案。"]}
# Long text the trading centre gives every bidder to sign: not in the tender, not in the 范本 library.
_PLEDGES = [
    "投标人诚信承诺书：本单位郑重承诺，所提交的营业执照、资质证书、安全生产许可证、人员证书及业绩证明材料均真实有效，"
    "不存在弄虚作假、挂靠、借用他人资质投标的情形；本单位与同一标段的其他投标人不存在单位负责人为同一人或者存在控股、"
    "管理关系的情形；如有违反，自愿接受取消投标资格、没收投标保证金、记入公共资源交易信用档案等处理，并承担相应法律责任。",
    "廉政承诺书：本单位在参与本次交易活动中，不向招标人、招标代理机构及评标专家赠送礼金、有价证券和贵重物品，不宴请、"
    "不安排娱乐活动，不以任何形式干扰评标工作；不与其他投标人相互约定投标报价，不以他人名义投标；发现上述行为的，"
    "同意由交易中心暂停本单位在本市公共资源交易平台的交易资格，并移送行政监督部门依法处理。",
    "电子投标承诺书：本单位已认真阅读公共资源交易平台电子投标操作规程，知悉数字证书（CA锁）由本单位专人保管、专人使用，"
    "不出借、不转让；电子投标文件由本单位自行编制、加密和上传，因数字证书遗失、密码泄露或者上传超时造成的后果由本单位承担；"
    "本单位同意交易平台记录投标文件的上传地址和设备信息，并在招投标活动监督检查中向行政监督部门提供。",
]
# Manufacturer literature: model numbers, acronyms, values with units (the same text for every dealer of it).
_BROCHURES = [
    ("摄像机", "{m}400万像素网络摄像机采用1/2.7英寸CMOS传感器，最低照度0.005Lux@F1.6，支持H.265/H.264/MJPEG编码，"
     "红外补光距离{a}m，防护等级IP67，支持DC12V±25%或PoE(802.3af)供电，功耗≤{b}W，工作温度-30℃~+60℃。"),
    ("路灯", "{m}型LED路灯光源采用5050芯片，系统光效≥{a}lm/W，色温4000K，显色指数Ra≥70，功率因数PF≥0.95，"
     "防护等级IP66，抗冲击等级IK08，输入电压AC220V±20%，额定功率{b}W，寿命L70≥50000h。"),
    ("交换机", "{m}工业以太网交换机提供{a}个10/100/1000Base-T电口和4个1000Base-X SFP光口，交换容量{b}Gbps，"
     "支持IEEE 802.1Q VLAN、STP/RSTP/MSTP及ERPS环网保护（自愈时间<50ms），工作电压DC24V/48V，工作温度-40℃~75℃。"),
    ("信号机", "{m}交通信号控制机支持{a}路灯组输出，采用ARM Cortex-A7处理器，具备RS-485、RJ45、4G LTE通信接口，"
     "支持SCATS/SCOOT协调控制，符合GB 25280-2016标准，电源AC176V~264V，整机功耗≤{b}W，MTBF≥50000h。"),
    ("UPS", "{m}在线式UPS额定容量{a}kVA，输入电压范围AC110V~300V，输出电压精度±1%，整机效率≥95%，支持RS232/SNMP远程监控，"
     "电池后备时间≥2h，满载噪音<{b}dB，符合YD/T 1095-2018标准。"),
]
_BRANDS = [("海康", "DS-2CD3T46"), ("大华", "DH-IPC-HFW"), ("宇视", "IPC-B314"), ("华为", "eLTE-3900")]
_DEFAULT_AUTHORS = ["Administrator", "Administrator", "微软用户", "User", "admin"]
_WPS_BUILDS = ["2052-11.1.0.8696", "2052-12.1.0.16120", "2052-11.1.0.14309"]


def _name(rng: random.Random) -> str:
    return rng.choice(_SUR) + "".join(rng.choice(_GIV) for _ in range(rng.choice((1, 2))))


def _id_no(rng: random.Random) -> str:
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    body = f"3307{rng.randint(2, 99):02d}{rng.randint(1965, 1995)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(d) * x for d, x in zip(body, w, strict=True)) % 11]


def _uscc(rng: random.Random) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    body = "91" + f"3307{rng.randint(0, 99):02d}" + "".join(rng.choice(chars) for _ in range(9))
    return body + chars[(31 - sum(chars.index(c) * x for c, x in zip(body, w, strict=True)) % 31) % 31]


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3578") + "".join(str(rng.randint(0, 9)) for _ in range(9))


def _hex(rng: random.Random, n: int = 8) -> str:
    return "".join(rng.choice("0123456789ABCDEF") for _ in range(n))


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(_SUBJ)}{rng.choice(_ADV)}{rng.choice(_VERB)}{rng.choice(_OBJ)}，{rng.choice(_TAIL)}。"


def _paragraph(rng: random.Random, n: int | None = None) -> str:
    return "".join(_sentence(rng) for _ in range(n or rng.randint(3, 6)))


def _long_paragraph(rng: random.Random) -> str:
    """A distinctive proposal paragraph (what a ring copies): numbers and specifics make it unique."""
    obj = rng.choice(_OBJ)
    return (f"针对本项目{obj}的特点，{rng.choice(_SUBJ)}拟投入{rng.randint(3, 19)}台专用设备和{rng.randint(8, 60)}名作业人员，"
            f"分{rng.randint(2, 6)}个流水段组织，每段工期约{rng.randint(5, 30)}天；" + _paragraph(rng, 3))


@dataclass
class Person:
    name: str
    id_no: str
    phone: str


@dataclass
class Bidder:
    file: str
    company: str
    uscc: str
    legal_rep: str
    agent: Person
    contact: Person
    pm: str
    pm_cert: str
    tech: str
    brand: tuple[str, str] | None = None
    tech_paras: list[str] = field(default_factory=list)
    prices: dict[str, float] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    fmt: str = "docx"
    typos: list[tuple[str, str]] = field(default_factory=list)
    foreign: str = ""
    mention: str = ""  # another company's name written into this bid
    mention_innocent: str = ""
    pledge: str = ""  # the trading centre's 承诺书, the same in every bid


@dataclass
class TenderSet:
    seed: int
    regime: str
    level: str
    project: str
    project_no: str
    tender_file: str
    bid_files: list[str]
    rings: list[list[str]]
    mechanisms: list[list[str]]
    planted: dict[str, list[str]] = field(default_factory=dict)  # "a|b" -> planted evidence values


def _company(rng: random.Random, used: set[str]) -> str:
    while True:
        c = f"{rng.choice(_CITY)}{rng.choice(_CORE)}{rng.choice(_TRADE)}有限公司"
        if c not in used:
            used.add(c)
            return c


def generate(out_dir: Path, seed: int, level: str = "none", n_bids: int | None = None, collusion: bool | None = None,  # noqa: C901 - collusion module, split pending
             pages: int = 0) -> TenderSet:
    """Write one tender and its bids into out_dir; return the ground truth."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    n = n_bids or rng.randint(3, 15)
    regime = rng.choice(["工程", "政府采购"])
    project = f"{rng.choice(_CITY)}市{rng.choice(['环城南路', '八一北街', '丹溪路', '双溪西路', '李渔路', '宾虹路'])}{rng.choice(['提升改造', '综合整治', '雨污分流', '智慧安防'])}工程"
    project_no = f"JHWC-{rng.randint(2025, 2026)}-{rng.randint(100, 999)}"
    agency_phone = f"0579-8{rng.randint(1000000, 9999999)}"
    agency_person = _name(rng)
    works = rng.sample(_WORKS, k=rng.randint(10, 18))
    qty = {w: round(rng.uniform(20, 3000), 2) for w, _ in works}
    base = {w: round(rng.uniform(15, 900), 2) for w, _ in works}
    fixed = {w: round(rng.uniform(20000, 150000), 2) for w, _ in _FIXED}
    tender_tech = [_paragraph(rng, 5) for _ in range(6)]
    cap = round((sum(qty[w] * base[w] for w, _ in works) + sum(fixed.values())) * 1.15, 2)
    tender_rsids = sorted({_hex(rng) for _ in range(6)})
    tender_meta = {"author": _name(rng), "last": agency_person, "rsid_root": tender_rsids[0], "rsids": tender_rsids,
                   "hdid": _hex(rng, 32).lower(), "user": str(rng.randint(10**12, 10**13)), "created": "2026-03-02T09:00:00Z"}
    templates = _template_lines(regime)

    # ---- bidders (innocent by default)
    used: set[str] = set()
    bidders: list[Bidder] = []
    names = [f"投标文件_{k + 1:02d}_{rng.randint(1000, 9999)}" for k in range(n)]
    for k in range(n):
        b = Bidder(file=names[k], company=_company(rng, used), uscc=_uscc(rng), legal_rep=_name(rng),
                   agent=Person(_name(rng), _id_no(rng), _phone(rng)), contact=Person(_name(rng), _id_no(rng), _phone(rng)),
                   pm=_name(rng), pm_cert=f"浙{rng.randint(133000000000, 133999999999)}", tech=_name(rng))
        b.fmt = "pdf" if rng.random() < 0.3 else "docx"
        b.tech_paras = [_long_paragraph(rng) if rng.random() < 0.5 else _paragraph(rng) for _ in range(rng.randint(8, 14) + pages * 8)]
        # innocent: paste tender requirements verbatim
        b.tech_paras[1:1] = rng.sample(tender_tech, k=2)
        factor = rng.uniform(0.86, 1.02)
        b.prices = {w: round(base[w] * factor * rng.lognormvariate(0, 0.07), 2) for w, _ in works}
        b.meta = _fresh_meta(rng, tender_meta, default_author=rng.random() < 0.35)
        if rng.random() < 0.1:
            b.typos = [rng.choice(_TYPOS)]  # honest bidders make typos too (independently)
        bidders.append(b)
    # innocent: same-brand dealers share manufacturer material (87号令第三十一条)
    if n >= 4 and rng.random() < 0.7:
        brand = rng.choice(_BRANDS)
        for b in rng.sample(bidders, k=2):
            b.brand = brand
    # innocent: a past 业绩 contract naming a competitor as partner
    if n >= 4 and rng.random() < 0.5:
        x, y = rng.sample(bidders, k=2)
        x.mention_innocent = f"类似项目业绩：与{y.company}组成联合体承建的{rng.choice(_CITY)}市道路工程（合同已附）。"

    # ---- rings
    is_collusive = (rng.random() >= 0.4) if collusion is None else collusion
    rings: list[list[Bidder]] = []
    mechs: list[list[str]] = []
    planted: dict[str, list[str]] = {}
    if is_collusive:
        pool = bidders[:]
        rng.shuffle(pool)
        n_rings = 2 if n >= 8 and rng.random() < 0.25 else 1
        for _ in range(n_rings):
            size = min(len(pool), rng.randint(2, 5))
            if size < 2:
                break
            ring = [pool.pop() for _ in range(size)]
            mech = rng.sample(MECHANISMS, k=rng.randint(2, 3))
            _plant(rng, ring, mech, level, works, planted)
            rings.append(ring)
            mechs.append(mech)

    # ---- extras: own generator, so everything above is what it was before they were added
    spec = _extras(random.Random(f"collusion-extras-{seed}"), bidders, rings, mechs, planted)

    # ---- write files
    tender_name = f"招标文件_{project_no}.docx"
    _write_tender(out_dir / tender_name, regime, project, project_no, agency_person, agency_phone, works, qty, fixed,
                  tender_tech, templates, cap, tender_meta, spec)
    files = []
    for b in bidders:
        fname = f"{b.file}.{b.fmt}"
        lines = _bid_lines(rng, b, regime, project, project_no, templates, works, qty, fixed, tender_tech, bidders)
        if b.fmt == "docx":
            _write_docx(out_dir / fname, lines, b.meta)
        else:
            _write_pdf(out_dir / fname, lines, b.meta)
        files.append(fname)
    ext = {b.file: f"{b.file}.{b.fmt}" for b in bidders}
    planted_files = {"|".join(sorted(ext[x] for x in k.split("|"))): v for k, v in planted.items()}
    return TenderSet(seed=seed, regime=regime, level=level, project=project, project_no=project_no, tender_file=tender_name,
                     bid_files=files, rings=[[ext[b.file] for b in r] for r in rings], mechanisms=mechs, planted=planted_files)


@dataclass
class DuplicateCase:
    """Files added to a generated set that are no second bidder: each pair (original, added file)."""

    identical: list[tuple[str, str]]  # the same file uploaded again
    same_bidder: list[tuple[str, str]]  # the bidder's revised second file (different bytes and text)


def add_duplicates(out_dir: Path, truth: TenderSet, seed: int) -> DuplicateCase:
    """Add a repeated upload of one bid and a revised second file of another DOCX bid (own generator, so the
    set generated from `seed` is unchanged); the analysis must warn about both and pair neither."""
    import shutil

    import docx

    drng = random.Random(f"collusion-duplicates-{seed}")
    first = drng.choice(truth.bid_files)
    copy = f"{Path(first).stem}_重复上传{Path(first).suffix}"
    shutil.copy(out_dir / first, out_dir / copy)
    docx_bids = [f for f in truth.bid_files if f.endswith(".docx") and f != first]
    revised: list[tuple[str, str]] = []
    if docx_bids:
        src = drng.choice(docx_bids)
        d = docx.Document(str(out_dir / src))
        d.add_paragraph(f"补充说明：根据第{drng.randint(1, 3)}号澄清文件，{_paragraph(drng, 2)}")
        second = f"{Path(src).stem}_修订版.docx"
        d.save(str(out_dir / second))
        revised.append((src, second))
    return DuplicateCase(identical=[(first, copy)], same_bidder=revised)


def _extras(xrng: random.Random, bidders: list[Bidder], rings: list[list[Bidder]], mechs: list[list[str]],
            planted: dict[str, list[str]]) -> list[str]:
    """The 技术规范 chapter of the tender; the trading centre's 承诺书 in every bid, a brochure two honest bids paste,
    shared misspellings in rings (四错字). Returns the chapter's paragraphs."""
    clauses = [xrng.choice(_SPEC_CLAUSES[right]).format(o=xrng.choice(_OBJ))
               for right, _ in _SLIPS for _ in range(xrng.randint(10, 13))]
    xrng.shuffle(clauses)
    spec = ["".join(clauses[k:k + 6]) for k in range(0, len(clauses), 6)]
    if len(bidders) >= 3 and xrng.random() < 0.6:
        pledge = xrng.choice(_PLEDGES)
        for b in bidders:
            b.pledge = pledge
    if len(bidders) >= 3 and xrng.random() < 0.5:
        _paste_brochure(xrng, bidders, rings)
    for ring, mech in zip(rings, mechs, strict=True):
        if xrng.random() < 0.4:
            mech.append(EXTRA_MECHANISMS[0])
            _plant_slips(xrng, ring, planted)
    return spec


def _paste_brochure(xrng: random.Random, bidders: list[Bidder], rings: list[list[Bidder]]) -> None:
    """Two bidders that are no ring pair paste the same manufacturer text (no 品牌 label: not the dealer case)."""
    ring_of = {b.file: k for k, r in enumerate(rings) for b in r}
    honest = [(x, y) for i, x in enumerate(bidders) for y in bidders[i + 1:]
              if ring_of.get(x.file, -1) != ring_of.get(y.file, -2)]
    if not honest:
        return
    products = xrng.sample(_BROCHURES, k=xrng.choice((1, 2)))  # one or two products from the same catalogue
    series = xrng.choice(["GX", "HT", "ZN", "KD"])
    paras = [f"主要设备选型：{'、'.join(kind for kind, _ in products)}"]
    paras += [text.format(m=f"{series}-{xrng.randint(1000, 9999)}{xrng.choice('ABES')}", a=xrng.randint(8, 120),
                          b=xrng.randint(5, 60)) for _, text in products]
    for b in xrng.choice(honest):
        b.tech_paras += paras


def _plant_slips(xrng: random.Random, ring: list[Bidder], planted: dict[str, list[str]]) -> None:
    """四错字: the two bids one person wrote carry the same one or two slips, each in that bid's own sentence."""
    pair = xrng.sample(ring, k=2)
    slips = xrng.sample(_SLIPS, k=xrng.randint(1, 2))
    for b in pair:
        for right, wrong in slips:
            phrase = xrng.choice(_SLIP_PHRASES[right]).format(o=xrng.choice(_OBJ)).replace(right, wrong, 1)
            b.tech_paras.append(f"{_sentence(xrng)}{xrng.choice(_SUBJ)}{xrng.choice(_ADV)}{phrase}，"
                                f"{xrng.choice(_TAIL)}。{_sentence(xrng)}")
    planted.setdefault("|".join(sorted(b.file for b in pair)), []).extend(wrong for _, wrong in slips)


def _fresh_meta(rng: random.Random, tender_meta: Mapping[str, object], default_author: bool) -> dict[str, object]:
    """Each bidder saved the tender's format DOCX on its own machine: inherited rsids + its own sessions."""
    author = rng.choice(_DEFAULT_AUTHORS) if default_author else _name(rng)
    own = sorted({_hex(rng) for _ in range(rng.randint(2, 6))})
    wps = rng.random() < 0.5
    return {"author": author, "last": author if rng.random() < 0.7 else rng.choice(_DEFAULT_AUTHORS),
            "rsid_root": tender_meta["rsid_root"], "rsids": sorted({*tender_meta["rsids"], *own}),  # type: ignore[misc]
            "hdid": _hex(rng, 32).lower() if wps else "", "user": str(rng.randint(10**12, 10**13)) if wps else "",
            "wps_build": rng.choice(_WPS_BUILDS) if wps else "", "created": tender_meta["created"],
            "pdf_id": _hex(rng, 32), "template": "Normal.dotm"}


def _plant(rng: random.Random, ring: list[Bidder], mech: list[str], level: str, works: list[tuple[str, str]],  # noqa: C901 - collusion module, split pending
           planted: dict[str, list[str]]) -> None:
    master = ring[0]
    scrub = level != "none"
    reword = level in ("reworded", "jittered")
    jitter = level == "jittered"

    def note(value: str) -> None:
        for i, x in enumerate(ring):
            for y in ring[i + 1:]:
                planted.setdefault("|".join(sorted((x.file, y.file))), []).append(value)

    if "一" in mech and not scrub:
        author = _name(rng)
        shared = sorted({_hex(rng) for _ in range(4)})
        hd, uid, pid = _hex(rng, 32).lower(), str(rng.randint(10**12, 10**13)), _hex(rng, 32)
        for b in ring:
            b.meta.update({"author": author, "last": author, "rsids": sorted({*b.meta["rsids"], *shared}),  # type: ignore[misc]
                           "hdid": hd, "user": uid, "pdf_id": pid})
        note(author)
    if "二" in mech:
        for b in ring[1:]:
            b.agent = master.agent if rng.random() < 0.6 else b.agent
            b.contact = master.contact if b.agent is not master.agent else b.contact
            if b.agent is not master.agent and b.contact is not master.contact:
                b.agent = master.agent
        note(master.agent.name)
    if "三" in mech:
        for b in ring[1:]:
            b.pm, b.pm_cert = master.pm, master.pm_cert
        note(master.pm)
    if "四文字" in mech:
        copied = [_long_paragraph(rng) for _ in range(rng.randint(3, 6))]
        typo = rng.choice(_TYPOS)
        foreign = f"项目名称：{rng.choice(_CITY)}市{rng.choice(['工业园区', '高铁站前', '老旧小区'])}配套道路工程"
        for b in ring:
            text = [_reword(rng, p) if reword and b is not master else p for p in copied]
            pos = rng.randint(2, max(2, len(b.tech_paras) - 1))
            b.tech_paras[pos:pos] = text
            b.typos = [typo]
            b.foreign = foreign
        note(copied[0][:20])
    if "四报价" in mech:
        style = rng.choice(["same", "ratio"])
        for b in ring[1:]:
            if style == "same":
                for w, _ in works:
                    if rng.random() < 0.7:
                        b.prices[w] = master.prices[w]
            else:
                r = rng.uniform(1.02, 1.09)
                b.prices = {w: round(master.prices[w] * r, 2) for w, _ in works}
            if jitter:
                b.prices = {w: round(p * rng.uniform(0.995, 1.005), 2) for w, p in b.prices.items()}
        note("报价")
    if "五" in mech:
        host, other = ring[1], ring[0]
        host.mention = f"{other.company}"
        note(other.company)
    if scrub:
        for b in ring:  # Save-As on a clean machine: nothing shared survives but the tender's own values
            b.meta["author"] = rng.choice(_DEFAULT_AUTHORS)
            b.meta["last"] = b.meta["author"]


def _reword(rng: random.Random, text: str) -> str:
    """PAN-style light obfuscation: synonyms, sentence order, punctuation width, zero-width characters."""
    sents = [s for s in re.split(r"(?<=[。；])", text) if s]
    if len(sents) > 2:
        head, rest = sents[0], sents[1:]
        rng.shuffle(rest)
        sents = [head, *rest]
    out = "".join(sents)
    for a, b in _SYN.items():
        if a in out and rng.random() < 0.5:
            out = out.replace(a, b, 1)
    out = out.replace("，", ",", rng.randint(0, 2))
    chars = list(out)
    for _ in range(3):
        chars.insert(rng.randint(1, max(1, len(chars) - 1)), "\u200b")
    return "".join(chars)


def _template_lines(regime: str) -> list[str]:
    folder = Path(__file__).resolve().parents[2] / "knowledge_base" / "collusion" / "templates"
    name = "政府采购_响应文件格式.txt" if regime == "政府采购" else "标准施工招标文件_投标文件格式.txt"
    return [ln for ln in (folder / name).read_text(encoding="utf-8").splitlines() if len(ln) > 20]


def _price_header() -> list[str]:
    return ["项目编码", "项目名称", "计量单位", "工程量", "综合单价", "合价"]


def _write_tender(path: Path, regime: str, project: str, project_no: str, agency_person: str, agency_phone: str,
                  works: list[tuple[str, str]], qty: dict[str, float], fixed: dict[str, float], tech: list[str],
                  templates: list[str], cap: float, meta: Mapping[str, object], spec: list[str]) -> None:
    who = "采购人" if regime == "政府采购" else "招标人"
    lines: list[object] = [f"{project}招标文件", f"项目名称：{project}", f"项目编号：{project_no}",
                           f"{who}联系人：{agency_person}，联系电话：{agency_phone}",
                           f"最高投标限价：{cap:.2f}元" if regime == "工程" else f"采购预算金额：{cap:.2f}元",
                           "第一章 投标人须知", "投标人不得相互串通投标报价，不得排挤其他投标人的公平竞争。" if regime == "工程"
                           else "供应商不得恶意串通，参加政府采购活动的供应商应当具备法定条件。",
                           "第二章 技术要求", *tech, "第三章 投标文件格式", *templates, "第四章 技术规范", *spec,
                           "分项报价表（投标人填写综合单价和合价，工程量不得改动）"]
    rows = [_price_header()] + [[f"0{40100 + i}", w, u, f"{qty[w]:.2f}", "", ""] for i, (w, u) in enumerate(works)]
    rows += [[f"0{49000 + i}", w, u, "1", f"{fixed[w]:.2f}", f"{fixed[w]:.2f}"] for i, (w, u) in enumerate(_FIXED)]
    lines.append(rows)
    _write_docx(path, lines, {"author": meta["author"], "last": meta["last"], "rsid_root": meta["rsid_root"],
                              "rsids": meta["rsids"], "hdid": meta["hdid"], "user": meta["user"],
                              "wps_build": "2052-11.1.0.8696", "created": meta["created"], "template": "Normal.dotm"})


def _bid_lines(rng: random.Random, b: Bidder, regime: str, project: str, project_no: str, templates: list[str],
               works: list[tuple[str, str]], qty: dict[str, float], fixed: dict[str, float], tender_tech: list[str],
               bidders: list[Bidder]) -> list[object]:
    total = round(sum(qty[w] * b.prices[w] for w, _ in works) + sum(fixed.values()), 2)
    role = "供应商" if regime == "政府采购" else "投标人"
    lines: list[object] = [f"{project}投标文件", f"{role}名称：{b.company}", f"项目名称：{project}", f"项目编号：{project_no}",
                           "投标函", f"投标总报价（小写）：¥{total:,.2f}元",
                           *rng.sample(templates, k=min(len(templates), rng.randint(4, 8))),
                           *([b.pledge] if b.pledge else []),
                           f"法定代表人：{b.legal_rep}", f"统一社会信用代码：{b.uscc}",
                           f"授权委托书：委托代理人：{b.agent.name}，身份证号码：{b.agent.id_no}，联系电话：{b.agent.phone}",
                           f"联系人：{b.contact.name}，手机：{b.contact.phone}",
                           f"拟派项目经理：{b.pm}，注册编号：{b.pm_cert}", f"技术负责人：{b.tech}",
                           "第二部分 技术方案"]
    paras = list(b.tech_paras)
    for right, wrong in b.typos:
        for i, p in enumerate(paras):
            if right in p:
                paras[i] = p.replace(right, wrong, 1)
                break
        else:
            paras.append(f"本{wrong}已按招标文件要求编制。")
    lines += paras
    if b.foreign:
        lines.append(b.foreign)
    if b.mention:
        lines.append(f"本项目材料由{b.mention}统一采购配送。")
    if b.mention_innocent:
        lines.append(b.mention_innocent)
    if b.brand:
        brand, model = b.brand
        lines.append(f"产品说明：品牌：{brand}，型号：{model}")
        brng = random.Random(sum(map(ord, brand + model)))  # identical manufacturer text for every dealer of the brand
        lines += [f"{brand}{model}采用" + _paragraph(brng, 4) for _ in range(3)]
    lines.append("分项报价表")
    rows = [_price_header()] + [[f"0{40100 + i}", w, u, f"{qty[w]:.2f}", f"{b.prices[w]:.2f}", f"{qty[w] * b.prices[w]:.2f}"]
                                for i, (w, u) in enumerate(works)]
    rows += [[f"0{49000 + i}", w, u, "1", f"{fixed[w]:.2f}", f"{fixed[w]:.2f}"] for i, (w, u) in enumerate(_FIXED)]
    lines.append(rows)
    lines.append(f"{role}：{b.company}（盖章）")
    return lines


# --------------------------------------------------------------------------- writers
def _write_docx(path: Path, lines: list[object], meta: dict[str, object]) -> None:
    import docx

    d = docx.Document()
    for item in lines:
        if isinstance(item, list):
            t = d.add_table(rows=len(item), cols=len(item[0]))
            for r, row in enumerate(item):
                for c, val in enumerate(row):
                    t.cell(r, c).text = str(val)
        else:
            d.add_paragraph(str(item))
    cp = d.core_properties
    cp.author = str(meta.get("author", ""))
    cp.last_modified_by = str(meta.get("last", ""))
    cp.revision = 3
    buf = io.BytesIO()
    d.save(buf)
    _patch_zip(buf.getvalue(), path, meta)


def _patch_zip(data: bytes, path: Path, meta: dict[str, object]) -> None:
    """Replace python-docx's default rsids and app.xml, add WPS custom properties when the 'machine' is WPS."""
    src = zipfile.ZipFile(io.BytesIO(data))
    rsids = [str(x) for x in meta.get("rsids", [])]  # type: ignore[attr-defined]
    root = str(meta.get("rsid_root") or (rsids[0] if rsids else "00000000"))
    rs_xml = f'<w:rsids><w:rsidRoot w:val="{root}"/>' + "".join(f'<w:rsid w:val="{r}"/>' for r in rsids) + "</w:rsids>"
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/'
           'officeDocument/2006/extended-properties"><Template>' + str(meta.get("template", "Normal.dotm")) +
           "</Template><Application>" + ("WPS Office" if meta.get("hdid") else "Microsoft Office Word") +
           "</Application></Properties>")
    custom = None
    if meta.get("hdid"):
        rec = base64.b64encode(json.dumps({"hdid": meta["hdid"], "userId": meta["user"]}).encode()).decode()
        custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/'
                  'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                  '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>'
                  f'{meta.get("wps_build", "")}</vt:lpwstr></property><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="3" '
                  f'name="KSOTemplateDocerSaveRecord"><vt:lpwstr>{rec}</vt:lpwstr></property></Properties>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/settings.xml":
                body = re.sub(rb"<w:rsids>.*?</w:rsids>", rs_xml.encode(), body, flags=re.S)
            elif info.filename == "docProps/app.xml":
                body = app.encode()
            elif info.filename == "docProps/core.xml":
                created = str(meta.get("created", "2026-03-02T09:00:00Z")).encode()
                body = re.sub(rb"(<dcterms:created[^>]*>)[^<]*", rb"\g<1>" + created, body)
            elif info.filename == "[Content_Types].xml" and custom:
                body = body.replace(b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>')
            elif info.filename == "_rels/.rels" and custom:
                body = body.replace(b"</Relationships>", b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>')
            dst.writestr(info, body)
        if custom:
            dst.writestr("docProps/custom.xml", custom)


def _write_pdf(path: Path, lines: list[object], meta: dict[str, object]) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setAuthor(str(meta.get("author", "")))
    c.setFont("STSong-Light", 10)
    y = 800.0
    per_line = 46

    def emit(text: str) -> None:
        nonlocal y
        if y < 50:
            c.showPage()
            c.setFont("STSong-Light", 10)
            y = 800.0
        c.drawString(40, y, text)
        y -= 15

    for item in lines:
        if isinstance(item, list):
            for row in item:
                emit("  ".join(str(v) for v in row if str(v) != ""))
        else:
            s = str(item)
            for k in range(0, len(s), per_line):
                emit(s[k:k + per_line])
    c.showPage()
    c.save()
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    pid = bytes.fromhex(str(meta.get("pdf_id") or "00" * 16))
    w._ID = ArrayObject([ByteStringObject(pid), ByteStringObject(pid)])
    w.add_metadata({"/Author": str(meta.get("author", "")), "/Producer": "电子招投标文件制作工具"})
    with open(path, "wb") as fh:
        w.write(fh)
