"""Deterministic generated Chinese documents and queries for the search benchmark.

Documents are sentences of words drawn with a Zipf-like distribution from a vocabulary of domain
words, common words and random two/three-character words, so that frequent and rare terms both
exist. Each document has an organisation (1..ORGS) and an audience like the library's.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass

ORGS = 40
VIEWER_ORGS = (5, 6)  # the persona: staff of organisation 5 and its branch 6
AUDIENCES = [("public", 15), ("staff", 25), ("organization", 60)]

DOMAIN = (
    "群团 群团组织 妇联 团区委 残联 科协 红十字会 总工会 共青团 联席会议 联席会议制度 转介 维权 春蕾计划 希望工程 "
    "金秋助学 特殊教育工程 帮扶救助 困难职工 留守儿童 法律援助 集体合同 平等协商 志愿服务 督办 办结 回访 公示 台账 "
    "社区书屋 培训基地 师资队伍 劳动监察 资源共享 联动机制 先进典型 心肺复苏 应急救护 家庭暴力 人身安全保护令"
).split()
COMMON = (
    "工作 组织 开展 加强 建立 健全 推进 落实 服务 群众 社会 发展 制度 机制 平台 资源 活动 培训 教育 管理 "
    "单位 部门 社区 街道 政府 政策 项目 资金 申请 审核 审批 发放 记录 情况 问题 困难 家庭 儿童 妇女 青年 职工 "
    "残疾人 老年人 志愿者 会议 召开 定期 轮流 主办 总结 经验 教训 合作 项目 宣传 典型 保障 环境 舆论 领导 支持 "
    "参与 承办 各方 共同 相近 找到 合作点 检查 催促 智慧 灵感 酝酿 促成 覆盖 全体 人群 普惠 特惠 网络 枢纽 团结 "
    "类型 迫切 需要 解决 高效 任务 扩大 由点到面 形成 新的 体系 模式 创新 形势 要求 对象 变化 依托 现代 技术 优势"
).split()
CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学"
    "法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政"
    "四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代"
)


@dataclass
class Document:
    id: int
    organization: int
    audience: str
    title: str
    body: str


def vocabulary(rng: random.Random) -> list[str]:
    invented = set()
    while len(invented) < 3000:
        invented.add("".join(rng.choice(CHARS) for _ in range(rng.choice((2, 2, 3)))))
    words = DOMAIN + COMMON + sorted(invented)
    rng.shuffle(words)
    return words


def documents(count: int, seed: int) -> Iterator[Document]:
    rng = random.Random(seed)
    words = vocabulary(rng)
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1 / (rank + 10)
        cumulative.append(total)
    audiences, audience_weights = zip(*AUDIENCES, strict=True)
    for number in range(1, count + 1):
        sentences = []
        for _ in range(rng.randint(6, 14)):
            sentences.append(
                "".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(5, 12))) + rng.choice("，。；。")
            )
        title = "".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(3, 6)))
        yield Document(
            id=number,
            organization=rng.randint(1, ORGS),
            audience=rng.choices(audiences, audience_weights)[0],
            title=title,
            body="".join(sentences),
        )


def visible(document: Document, viewer_orgs=VIEWER_ORGS) -> bool:
    return document.audience != "organization" or document.organization in viewer_orgs


QUERIES = [
    # one character
    "会", "妇", "联", "残", "岗", "圳",
    # two characters
    "群团", "妇联", "维权", "转介", "科协", "残联", "督办", "公示", "台账", "回访",
    # words of three or more
    "团区委", "红十字会", "联席会议", "联席会议制度", "春蕾计划", "希望工程", "金秋助学", "特殊教育工程", "留守儿童",
    "法律援助", "人身安全保护令", "应急救护",
    # several terms
    "妇联 维权", "群团 联席会议", "困难职工 帮扶救助", "志愿服务 社区书屋", "转介 法律援助 妇联", "春蕾计划 公示",
    # phrases that cross word boundaries
    "建立健全", "定期召开", "开展工作", "组织开展", "服务群众",
]  # fmt: skip
