"""Realistic near-duplicates of Chinese people records, as they arise when several organisations
type the same person into their own lists: a homophone or similar-looking character, a
traditional character, two swapped digits, a missing field, a moved address.

Used by the demo data (so the review queue has real work) and by the benchmark (bench/people),
which needs to know the truth.
"""

import random
from dataclasses import replace
from datetime import date, timedelta

import zhconv

from shuniu.core.validators import id_check_character
from shuniu.people.matching import Record

# Characters often typed for one another in names: same sound (张伟/张玮), or similar shape (王/玉).
HOMOPHONES = {
    "伟": "玮", "玮": "伟", "丽": "莉", "莉": "丽", "芳": "方", "方": "芳", "明": "铭", "铭": "明",
    "军": "君", "君": "军", "静": "婧", "婧": "静", "敏": "民", "民": "敏", "杰": "洁", "洁": "杰",
    "涛": "韬", "韬": "涛", "燕": "艳", "艳": "燕", "霞": "侠", "红": "宏", "宏": "红", "华": "桦",
    "平": "萍", "萍": "平", "英": "瑛", "瑛": "英", "刚": "钢", "钢": "刚", "勇": "永", "永": "勇",
    "林": "琳", "琳": "林", "磊": "蕾", "娟": "鹃", "秀": "绣", "玲": "铃", "兰": "岚", "岚": "兰",
    "峰": "锋", "锋": "峰", "辉": "晖", "晖": "辉", "建": "健", "健": "建", "国": "帼", "亮": "靓",
    "斌": "彬", "彬": "斌", "鹏": "朋", "宇": "雨", "雨": "宇", "欣": "新", "新": "欣", "婷": "亭",
    "刘": "柳", "王": "汪", "汪": "王", "李": "黎", "黄": "王", "陈": "程", "程": "陈", "徐": "许",
    "许": "徐", "杨": "阳", "吴": "武", "周": "邹", "章": "张", "张": "章",
}  # fmt: skip
SIMILAR_SHAPES = {"王": "玉", "玉": "王", "未": "末", "己": "已", "日": "曰", "人": "入", "土": "士", "天": "夫"}
STREET_WORDS = ["幢", "号楼", "栋"]


def swap_adjacent_digits(text: str, rng: random.Random) -> str:
    positions = [
        i for i in range(len(text) - 1) if text[i].isdigit() and text[i + 1].isdigit() and text[i] != text[i + 1]
    ]
    if not positions:
        return text
    i = rng.choice(positions)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def change_name(name: str, rng: random.Random) -> str:
    """A homophone, a similar shape, or the traditional form of one character of the name."""
    positions = [i for i, char in enumerate(name) if char in HOMOPHONES or char in SIMILAR_SHAPES]
    roll = rng.random()
    if positions and roll < 0.7:
        i = rng.choice(positions)
        table = (
            HOMOPHONES if name[i] in HOMOPHONES and (roll < 0.6 or name[i] not in SIMILAR_SHAPES) else SIMILAR_SHAPES
        )
        return name[:i] + table[name[i]] + name[i + 1 :]
    traditional = zhconv.convert(name, "zh-tw")
    return traditional if traditional != name else name


def move_address(address: str, rng: random.Random) -> str:
    """Same building written differently, or a move within the community."""
    if rng.random() < 0.5:
        for word in STREET_WORDS:
            if word in address:
                return address.replace(word, rng.choice([w for w in STREET_WORDS if w != word]), 1)
    return address.rsplit("单元", 1)[0] + f"单元{rng.randint(1, 28)}0{rng.randint(1, 4)}室"


def near_duplicate(record: Record, rng: random.Random, key) -> Record:
    """A second record of the same person with two or three of the usual differences."""
    variant = replace(record, key=key)
    changes = rng.sample(
        ["name", "id_missing", "id_typo", "phone_typo", "phone_missing", "address", "birth"], k=rng.choice([2, 2, 3])
    )
    if "name" in changes:
        variant.name = change_name(variant.name, rng)
    if "id_missing" in changes:
        variant.id_number = ""
    elif "id_typo" in changes and variant.id_number:
        first17 = swap_adjacent_digits(variant.id_number[:17], rng)
        variant.id_number = (
            first17 + id_check_character(first17) if rng.random() < 0.5 else first17 + variant.id_number[17]
        )
    if "phone_missing" in changes:
        variant.phone = ""
    elif "phone_typo" in changes and variant.phone:
        variant.phone = swap_adjacent_digits(variant.phone, rng)
    if "address" in changes and variant.address:
        variant.address = move_address(variant.address, rng)
    if "birth" in changes and variant.birth_date and not variant.id_number:
        variant.birth_date = None
    return variant


def valid_id_number(rng: random.Random, birth: date, gender: str, region: str = "330106") -> str:
    sequence = rng.randint(0, 99) * 10 + (
        rng.choice([1, 3, 5, 7, 9]) if gender == "male" else rng.choice([0, 2, 4, 6, 8])
    )
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def random_birth(rng: random.Random) -> date:
    return date(1930, 1, 1) + timedelta(days=rng.randint(0, 365 * 90))
