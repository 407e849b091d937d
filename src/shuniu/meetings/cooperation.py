"""Finding cooperation points (合作点): plan items of different organisations that overlap.

Two items are compared by the words of their titles after Chinese segmentation (rjieba's search
mode, so 儿童心理 also counts as 儿童 and 心理; minus a small stop-word list): Jaccard similarity
of the word sets, plus same target group, same street and close months. Pairs above the
threshold are merged greedily into groups in which every item comes from a different
organisation and every pair overlaps. The reasons are kept so that people can judge a proposal
instead of trusting a number.
"""

import re
from dataclasses import dataclass, field
from itertools import combinations

import rjieba

# Words that say nothing about what the work is (and would make every plan look alike).
STOP_WORDS = {
    "的", "和", "与", "及", "在", "对", "为", "等", "了", "是", "把", "将", "向", "从", "于", "并", "或",
    "开展", "举办", "组织", "进行", "活动", "工作", "加强", "推进", "做好", "落实", "深入", "持续", "全面",
    "相关", "有关", "一次", "系列", "专项", "计划", "项目", "服务", "区", "全区", "各", "年度", "季度",
    "街道", "社区", "第一", "第二", "第三", "第四", "月", "年", "期", "场", "次", "个", "名", "人",
}  # fmt: skip
WORD = re.compile(r"[\w]+", re.UNICODE)

TEXT_WEIGHT = 0.55
GROUP_WEIGHT = 0.2
STREET_WEIGHT = 0.15
MONTH_WEIGHT = 0.1
MIN_TEXT_SIMILARITY = 0.15
MIN_SCORE = 0.4
CLOSE_MONTHS = 1


def tokens(text: str) -> set[str]:
    """Content words of a plan item's text: segmented, lower-cased, stop words and single
    characters dropped (a single character is too ambiguous in Chinese to show overlap)."""
    words = set()
    for word in rjieba.cut_for_search(text or ""):
        word = word.strip().lower()
        if len(word) < 2 or word in STOP_WORDS or not WORD.fullmatch(word) or word.isdigit():
            continue
        words.add(word)
    return words


def longest_words(words: set[str]) -> list[str]:
    """For showing: drop words contained in a longer one (search mode gives 志愿, 愿者 and 志愿者)."""
    return sorted(w for w in words if not any(w != other and w in other for other in words))


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class Candidate:
    """What `find_points` needs of a plan item (kept free of the ORM so it can be tested alone)."""

    id: int
    organization_id: int
    title: str
    target_group: str
    street_id: int | None
    month_index: int  # year * 12 + month
    words: set[str] = field(default_factory=set)

    def __post_init__(self):
        if not self.words:
            self.words = tokens(self.title)


@dataclass
class Overlap:
    score: float
    shared_words: list[str]
    same_group: bool
    same_street: bool
    month_gap: int


def compare(a: Candidate, b: Candidate) -> Overlap | None:
    """The overlap of two items, or None when they do not overlap enough to propose."""
    if a.organization_id == b.organization_id:
        return None
    similarity = jaccard(a.words, b.words)
    if similarity < MIN_TEXT_SIMILARITY:
        return None
    same_group = a.target_group == b.target_group
    same_street = a.street_id is not None and a.street_id == b.street_id
    month_gap = abs(a.month_index - b.month_index)
    score = (
        TEXT_WEIGHT * similarity
        + (GROUP_WEIGHT if same_group else 0)
        + (STREET_WEIGHT if same_street else 0)
        + (MONTH_WEIGHT if month_gap <= CLOSE_MONTHS else 0)
    )
    if score < MIN_SCORE:
        return None
    return Overlap(round(score, 3), sorted(a.words & b.words), same_group, same_street, month_gap)


@dataclass
class Group:
    members: list[Candidate]
    overlaps: list[Overlap]

    @property
    def score(self) -> float:
        return round(sum(o.score for o in self.overlaps) / len(self.overlaps), 3)

    @property
    def signature(self) -> str:
        return "-".join(str(i) for i in sorted(c.id for c in self.members))

    def reasons(self) -> dict:
        shared = set.intersection(*(c.words for c in self.members)) if len(self.members) > 2 else None
        if shared is None:
            shared = set(self.overlaps[0].shared_words)
        groups = {c.target_group for c in self.members}
        streets = {c.street_id for c in self.members}
        months = [c.month_index for c in self.members]
        words = shared or {w for o in self.overlaps for w in o.shared_words}
        return {
            "shared_words": longest_words(words),
            "same_group": len(groups) == 1,
            "target_group": next(iter(groups)) if len(groups) == 1 else "",
            "same_street": len(streets) == 1 and None not in streets,
            "street_id": next(iter(streets)) if len(streets) == 1 else None,
            "month_gap": max(months) - min(months),
        }


def find_points(candidates: list[Candidate]) -> list[Group]:
    """Groups of overlapping items from different organisations, best first; an item is in at most
    one group, so the meeting sees each plan item proposed once."""
    by_id = {c.id: c for c in candidates}
    pairs = []
    for a, b in combinations(candidates, 2):
        overlap = compare(a, b)
        if overlap is not None:
            pairs.append((overlap.score, a.id, b.id, overlap))
    pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    groups: list[Group] = []
    placed: dict[int, Group] = {}
    for _score, a_id, b_id, overlap in pairs:
        a, b = by_id[a_id], by_id[b_id]
        if a_id in placed and b_id in placed:
            continue
        if a_id not in placed and b_id not in placed:
            group = Group([a, b], [overlap])
            groups.append(group)
            placed[a_id] = placed[b_id] = group
            continue
        group, newcomer = (placed[a_id], b) if a_id in placed else (placed[b_id], a)
        if newcomer.organization_id in {m.organization_id for m in group.members}:
            continue
        overlaps = [compare(member, newcomer) for member in group.members]
        if all(o is not None for o in overlaps):
            group.members.append(newcomer)
            group.overlaps.extend(overlaps)
            placed[newcomer.id] = group
    groups.sort(key=lambda g: (-g.score, g.signature))
    return groups
