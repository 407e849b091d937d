"""Identity resolution: normalisation, blocking keys and weighted field similarity.

Pure functions on plain `Record`s, so the registry (through the ORM) and the benchmark (in memory,
at a million records) score pairs with exactly the same code.

Names are compared by characters (after traditional → simplified conversion) and by pinyin with
the usual dialect confusions folded (zh/z, ch/c, sh/s, eng/en, ing/in, ang/an, l/n), so 张伟/张玮,
張偉/张伟 and 刘/柳 score as near. Digits tolerate one transposition or one wrong digit. A field
missing on either side carries no weight: it neither helps nor hurts.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import zhconv
import zhconv.zhconv as _zhconv_module
from pypinyin import Style, lazy_pinyin
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein
from rapidfuzz.fuzz import token_set_ratio

# zhconv's default loader leaves its dictionary file open (a ResourceWarning); give it the path, so
# it reads the file with a context manager.
_zhconv_module.loaddict(str(Path(_zhconv_module.__file__).with_name("zhcdict.json")))

LIKELY = 0.85
POSSIBLE = 0.68

WEIGHTS = {"name": 0.30, "id_number": 0.30, "birth_date": 0.12, "phone": 0.13, "address": 0.10, "gender": 0.05}

_NAME_NOISE = re.compile(r"[\s\u3000·•．.\-_()（）]")
_ADDRESS_NOISE = re.compile(r"[\s\u3000,，。.、#\-—_()（）]")
_FOLD = [("zh", "z"), ("ch", "c"), ("sh", "s"), ("eng", "en"), ("ing", "in"), ("ang", "an"), ("l", "n")]


# Characters told apart by one stroke, often mistyped or misread from handwriting; compared as one.
SIMILAR_SHAPES = str.maketrans(
    {"玉": "王", "末": "未", "已": "己", "巳": "己", "曰": "日", "入": "人", "士": "土", "夫": "天"}
)


def simplified(text: str) -> str:
    """zhconv's traditional → simplified conversion, skipped for text with no character that can
    begin one of its dictionary's words (most names and addresses: the conversion is the identity
    there, and the check is a set test instead of a walk over the text)."""
    prefixes = _zhconv_module.pfsdict.get("zh-cn")
    if prefixes is not None and prefixes.isdisjoint(text):
        return text
    return zhconv.convert(text, "zh-cn")


@lru_cache(maxsize=200_000)
def normalize_name(name: str) -> str:
    """Simplified characters without spaces or separators: '張 偉' → '张伟'."""
    return simplified(_NAME_NOISE.sub("", name or ""))


@lru_cache(maxsize=20_000)
def _character_pinyin(character: str) -> str:
    syllable = lazy_pinyin(character, style=Style.NORMAL, errors="default")[0].lower().replace("ü", "v")
    for source, target in _FOLD:
        if source in ("zh", "ch", "sh", "l") and syllable.startswith(source):
            syllable = target + syllable[len(source) :]
        elif source in ("eng", "ing", "ang") and syllable.endswith(source):
            syllable = syllable[: -len(source)] + target
    return syllable


@lru_cache(maxsize=200_000)
def name_pinyin(name: str) -> str:
    """Pinyin syllables (no tones) joined by spaces, with dialect confusions folded: 刘 and 柳 → 'niu'.
    Character by character (names are not phrases), so it is fast and the same on both sides."""
    return " ".join(_character_pinyin(character) for character in normalize_name(name))


def name_key(name: str) -> str:
    """The blocking key stored on every person (folded pinyin, no spaces)."""
    return name_pinyin(name).replace(" ", "")[:120]


@lru_cache(maxsize=200_000)
def normalize_address(address: str) -> str:
    """Simplified characters, full-width digits folded, punctuation removed (for the address index)."""
    text = simplified(address or "")
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return _ADDRESS_NOISE.sub("", text)


def id_without_birth(id_number: str) -> str:
    """Region and sequence digits of an ID number: a block that survives a typo in the birth date."""
    from shuniu.core.validators import normalize_id_number

    number = normalize_id_number(id_number)
    return number[:6] + number[14:] if len(number) == 18 else ""


@dataclass
class Record:
    """The fields identity resolution looks at; any may be empty."""

    key: object
    name: str = ""
    id_number: str = ""
    birth_date: date | None = None
    gender: str = ""
    phone: str = ""
    address: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Score:
    total: float
    fields: dict[str, float]

    @property
    def level(self) -> str:
        if self.fields.get("id_number") == 1.0:
            return "likely"
        if self.total >= LIKELY:
            return "likely"
        if self.total >= POSSIBLE:
            return "possible"
        return ""


@dataclass(slots=True)
class Prepared:
    """A record's fields as the comparison needs them, normalised once (the batch resolver
    compares each record with many others)."""

    name: str  # simplified, no separators
    shape: str  # one-stroke look-alikes folded
    pinyin: str
    id_number: str
    birth_date: date | None
    birth_digits: str
    gender: str
    phone: str
    address: str  # normalised


def prepare(record: Record) -> Prepared:
    name = normalize_name(record.name) if record.name else ""
    return Prepared(
        name=name,
        shape=name.translate(SIMILAR_SHAPES),
        pinyin=name_pinyin(record.name) if name else "",
        id_number=record.id_number,
        birth_date=record.birth_date,
        birth_digits=record.birth_date.strftime("%Y%m%d") if record.birth_date else "",
        gender=record.gender,
        phone=record.phone,
        address=normalize_address(record.address) if record.address else "",
    )


def _name_similarity(a: Prepared, b: Prepared) -> float:
    if not a.name or not b.name:
        return -1.0
    if a.name == b.name:
        return 1.0
    if a.shape == b.shape:
        return 0.9  # one stroke apart (王/玉)
    characters = Levenshtein.normalized_similarity(a.name, b.name)
    if a.pinyin == b.pinyin:
        return 0.95  # homophones (张伟/张玮): same sound, different character
    pinyin = Levenshtein.normalized_similarity(a.pinyin, b.pinyin)
    same_surname = 1.0 if a.shape[0] == b.shape[0] or a.pinyin.split(" ")[0] == b.pinyin.split(" ")[0] else 0.0
    return max(characters, 0.85 * pinyin) * (0.8 + 0.2 * same_surname)


def name_similarity(left: str, right: str) -> float:
    return _name_similarity(prepare(Record(key=None, name=left)), prepare(Record(key=None, name=right)))


def digits_similarity(left: str, right: str) -> float:
    """1 for equal; 0.8 for one transposition or one wrong digit; 0.6 for two transpositions (the
    same digits in a different order); 0 otherwise (too far to be a typo)."""
    if not left or not right:
        return -1.0
    if left == right:
        return 1.0
    if len(left) == len(right):
        distance = DamerauLevenshtein.distance(left, right, score_cutoff=2)
        if distance == 1:
            return 0.8
        if distance == 2 and sorted(left) == sorted(right):
            return 0.6
    return 0.0


def id_similarity(left: str, right: str) -> float:
    """Like digits, on the 17 digits before the check character: a typo usually comes with a
    check character that no longer fits (or one recomputed by a form), so it is not counted twice."""
    if not left or not right:
        return -1.0
    if left == right:
        return 1.0
    if len(left) == len(right) == 18:
        if left[:17] == right[:17]:
            return 0.9
        return digits_similarity(left[:17], right[:17])
    return digits_similarity(left, right)


def _date_similarity(a: Prepared, b: Prepared) -> float:
    if a.birth_date is None or b.birth_date is None:
        return -1.0
    if a.birth_date == b.birth_date:
        return 1.0
    return 0.7 if digits_similarity(a.birth_digits, b.birth_digits) > 0 else 0.0


def _address_similarity(a: Prepared, b: Prepared) -> float:
    if not a.address or not b.address:
        return -1.0
    return token_set_ratio(a.address, b.address) / 100.0


def score(left: Record, right: Record) -> Score:
    """Weighted similarity over the fields both records have (missing on either side: no weight)."""
    return score_prepared(prepare(left), prepare(right))


def score_prepared(left: Prepared, right: Prepared) -> Score:
    fields = {
        "name": _name_similarity(left, right),
        "id_number": id_similarity(left.id_number, right.id_number),
        "birth_date": _date_similarity(left, right),
        "phone": digits_similarity(left.phone, right.phone),
        "address": _address_similarity(left, right),
        "gender": -1.0
        if not left.gender or not right.gender or "unknown" in (left.gender, right.gender)
        else float(left.gender == right.gender),
    }
    weight = total = 0.0
    for name, value in fields.items():
        if value < 0:
            continue
        weight += WEIGHTS[name]
        total += WEIGHTS[name] * value
    present = {name: round(value, 3) for name, value in fields.items() if value >= 0}
    if weight < WEIGHTS["name"] + 0.1:  # a name alone (or nearly) is never evidence of the same person
        return Score(0.0, present)
    result = total / weight
    # Two different valid ID numbers are two people, whatever else agrees (twins share much else).
    if fields["id_number"] == 0.0:
        result = min(result, POSSIBLE - 0.01)
    if fields["name"] >= 0 and fields["name"] < 0.5:
        result = min(result, POSSIBLE - 0.01)
    return Score(round(result, 4), present)


def id_digits_key(id_number: str) -> str:
    """The first 17 digits of an ID number, sorted: equal for two numbers that differ by swapped digits."""
    return "".join(sorted(id_number[:17])) if id_number else ""


def name_phone_key(name: str, phone: str, *, pinyin: str | None = None) -> str:
    """Name pinyin and the phone's digits sorted: the same person with two phone digits swapped.
    (`pinyin`: the name's key when the caller has it already.)"""
    pinyin = name_key(name) if pinyin is None else pinyin
    return f"{pinyin}:" + "".join(sorted(phone)) if pinyin and phone else ""


def community_of(address: str, *, normalized: str | None = None) -> str:
    """The community part of an address (before 社区, or its first 12 characters), normalised."""
    address = normalize_address(address) if normalized is None else normalized
    return address.split("社区", 1)[0] if "社区" in address else address[:12]


def name_community_key(name: str, address: str, *, pinyin: str | None = None, normalized: str | None = None) -> str:
    """Name pinyin and community: the same name in the same community, the flat written differently."""
    pinyin = name_key(name) if pinyin is None else pinyin
    community = community_of(address, normalized=normalized) if pinyin else ""
    return f"{pinyin}:{community}" if community else ""


def blocking_keys(record: Record, prepared: Prepared | None = None) -> list[str]:
    """Keys under which candidate pairs are looked for: a pair is only scored when it shares one.
    The registry stores the keys that fit one record in indexed columns (`Person.*_index`,
    `name_key`), so the check of a single new registrant looks up the same blocks."""
    prepared = prepared or prepare(record)
    keys = []
    if record.id_number:
        keys.append("i:" + record.id_number)
        keys.append("j:" + id_without_birth(record.id_number))  # birth date typed wrong
        keys.append("s:" + id_digits_key(record.id_number))  # digits swapped anywhere
    pinyin = prepared.pinyin.replace(" ", "")[:120]
    if record.phone:
        keys.append("p:" + record.phone)
        if pinyin:  # same name, phone digits swapped
            keys.append("q:" + name_phone_key(record.name, record.phone, pinyin=pinyin))
    if pinyin:
        year = record.birth_date.year if record.birth_date else (record.id_number[6:10] if record.id_number else "")
        if year:
            keys.append(f"n:{pinyin}:{year}")
        surname = prepared.name[:1]
        if record.birth_date:
            keys.append(f"b:{surname}:{record.birth_date.isoformat()}")
    address = prepared.address
    if address:
        keys.append("a:" + address)
        community = name_community_key(record.name, record.address, pinyin=pinyin, normalized=address)
        if community:  # same name in the same community, the flat written differently or moved
            keys.append("c:" + community)
    return keys


MAX_BLOCK = 60
# The blocks keyed by ID digits (sorted digits; region + sequence) grow with the square of the
# registry, and only a pair whose numbers are a typo apart can match there (two different numbers
# are two people): beyond this size they are compared by sliding window over the sorted numbers,
# where numbers one or two typos apart lie next to each other.
MAX_ID_BLOCK = 12
WINDOW = 8


def _window(members: list[int]):
    return ((members[i], members[j]) for i in range(len(members)) for j in range(i + 1, min(i + WINDOW, len(members))))


def resolve(records: list[Record], *, max_block: int = MAX_BLOCK):
    """All pairs of `records` that are at least 'possible' matches: (left key, right key, Score).

    Blocking: records sharing a blocking key are compared; a block larger than `max_block` (a
    common name born the same year, a dormitory address) is compared by sliding window over
    records sorted by name key, so cost stays linear. Each pair is scored once."""
    prepared = [prepare(record) for record in records]
    blocks: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for key in blocking_keys(record, prepared[index]):
            blocks.setdefault(key, []).append(index)
    seen: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if key[0] in "sj" and len(members) > MAX_ID_BLOCK:
            members = sorted(members, key=lambda i: prepared[i].id_number)
            pairs = _window(members)
        elif len(members) > max_block:
            members = sorted(members, key=lambda i: prepared[i].pinyin.replace(" ", ""))
            pairs = _window(members)
        else:
            pairs = ((members[i], members[j]) for i in range(len(members)) for j in range(i + 1, len(members)))
        for a, b in pairs:
            pair = (a, b) if a < b else (b, a)
            if pair in seen:
                continue
            seen.add(pair)
            left, right = prepared[pair[0]], prepared[pair[1]]
            # Two different ID numbers (not a typo apart) are two people: no need to score the rest.
            if left.id_number and right.id_number and id_similarity(left.id_number, right.id_number) == 0.0:
                continue
            result = score_prepared(left, right)
            if result.level:
                yield records[pair[0]].key, records[pair[1]].key, result
