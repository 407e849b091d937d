"""Synthetic Chinese people records with known truth.

Common surnames and given-name characters (so that 张伟 appears many times, as in real life),
valid ID numbers, mobile phones and addresses in a district; then, for a share of the people, one
or two more records as another organisation would have typed them (homophone or similar
character, traditional form, swapped digits, missing ID number or phone, moved address) — see
`shuniu.people.synthetic`.
"""

import random
from datetime import date

from shuniu.people.matching import Record
from shuniu.people.synthetic import near_duplicate, random_birth, valid_id_number

SURNAMES = "".join(
    [
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡",
        "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯",
        "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
    ]
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玲建国文辉鹏红玉兰飞桂兰丹萍鑫斌宇浩凯健俊帆帅旭宁"
    "颖琳晨欣怡佳悦子涵梓轩浩然思雨博文宏志海峰春梅秋菊冬梅小红小明雪梅晓燕慧敏淑珍德华永强国强凤英丽华"
)
REGIONS = ["330106", "330102", "330105", "330108", "330110", "330122", "340104", "320102", "410105", "510107"]
STREETS = ["东湖街道", "西城街道", "南山街道", "北苑街道", "江滨街道", "新桥街道", "柳湾街道", "金沙街道"]
COMMUNITIES = ["和平", "幸福", "阳光", "翠园", "锦绣", "春晖", "朝阳", "康乐"]
SUFFIXES = ["东苑", "西苑", "花园", "新村", "里", "湾", "坊", "家园"]


def _name(rng: random.Random) -> str:
    surname = SURNAMES[min(int(rng.expovariate(1 / 18)), len(SURNAMES) - 1)]
    given = rng.choice(GIVEN) if rng.random() < 0.35 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return surname + given


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _address(rng: random.Random) -> str:
    return (
        f"{rng.choice(STREETS)}{rng.choice(COMMUNITIES)}{rng.choice(SUFFIXES)}社区"
        f"{rng.randint(1, 40)}幢{rng.randint(1, 6)}单元{rng.randint(1, 28)}0{rng.randint(1, 4)}室"
    )


def generate(records: int, *, seed: int = 2026, duplicate_share: float = 0.25):
    """About `records` records; returns (records, truth) where truth maps record key → person id."""
    rng = random.Random(seed)
    people = int(records / (1 + duplicate_share * 1.3))
    out: list[Record] = []
    truth: dict[int, int] = {}
    key = 0
    for person in range(people):
        gender = rng.choice(["male", "female"])
        birth: date = random_birth(rng)
        base = Record(
            key=key,
            name=_name(rng),
            id_number=valid_id_number(rng, birth, gender, rng.choice(REGIONS)) if rng.random() < 0.9 else "",
            birth_date=birth,
            gender=gender,
            phone=_phone(rng) if rng.random() < 0.85 else "",
            address=_address(rng) if rng.random() < 0.8 else "",
        )
        out.append(base)
        truth[key] = person
        key += 1
        if rng.random() < duplicate_share:
            for _copy in range(rng.choice([1, 1, 1, 2])):
                variant = near_duplicate(base, rng, key)
                out.append(variant)
                truth[key] = person
                key += 1
        if len(out) >= records:
            break
    return out, truth


def true_pairs(truth: dict[int, int]) -> set[tuple[int, int]]:
    clusters: dict[int, list[int]] = {}
    for key, person in truth.items():
        clusters.setdefault(person, []).append(key)
    pairs = set()
    for members in clusters.values():
        for i, left in enumerate(members):
            for right in members[i + 1 :]:
                pairs.add((min(left, right), max(left, right)))
    return pairs
