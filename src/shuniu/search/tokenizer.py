"""Chinese tokenizer for the search index.

Two token streams are made from every text:

- **words**: rjieba's search-mode segmentation (long words and their parts) with the domain
  dictionary below, so 群团, 妇联, 联席会议 are single tokens and rank well;
- **grams**: for every run of Chinese characters, its bigrams in order, then every distinct Chinese
  character of the text once. A query term of one character is one token lookup on the
  characters, two characters one bigram, three or more the phrase of its bigrams, so any
  substring of the text can be found, whatever the segmentation did (recall equals a substring
  scan), and no query needs a prefix expansion over the whole vocabulary (slow on FTS5 and GIN).

Tokens are space-separated strings of word characters only; the database index (SQLite FTS5
`unicode61`, PostgreSQL `simple`) then only has to split on spaces.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import rjieba

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN}]+")
TOKEN_PIECE = re.compile(f"[{HAN}]+|[0-9a-z]+")
IS_HAN = re.compile(f"^[{HAN}]+$")

DOMAIN_WORDS = [
    "群团", "群团组织", "群团工作", "妇联", "区妇联", "团区委", "团委", "残联", "区残联", "科协", "区科协",
    "红十字会", "总工会", "区总工会", "工会", "共青团", "联席会议", "联席会议制度", "联席会议办公室", "联席办",
    "转介", "转办", "维权", "维权岗", "维权热线", "维权联动", "春蕾计划", "希望工程", "金秋助学", "特殊教育工程",
    "帮扶救助", "困难职工", "困难群众", "留守儿童", "法律援助", "集体合同", "平等协商", "枢纽型", "社会组织",
    "先进典型", "志愿服务", "督办", "催办", "办结", "回访", "公示", "台账", "社区书屋", "培训基地", "师资队伍",
    "群工部", "人社局", "民政局", "司法局", "卫健委", "劳动监察", "联动机制", "资源共享", "文库",
]  # fmt: skip


@cache
def segmenter() -> rjieba.Jieba:
    """One rjieba instance with the domain dictionary (loaded once per process, ~0.2 s)."""
    jieba = rjieba.Jieba()
    for word in DOMAIN_WORDS:
        jieba.add_word(word, None, None)
    return jieba


def normalize(text: str) -> str:
    """Full-width to half-width, lower case: what both the index and queries see."""
    return unicodedata.normalize("NFKC", text or "").lower()


def word_tokens(text: str) -> list[str]:
    tokens = []
    for piece in segmenter().cut_for_search(normalize(text), True):
        tokens.extend(TOKEN_PIECE.findall(piece))
    return tokens


def gram_tokens(text: str) -> list[str]:
    """The bigrams of every run of Chinese characters, in order (phrase queries need them adjacent)."""
    tokens = []
    for run in HAN_RUN.findall(normalize(text)):
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def char_tokens(text: str) -> list[str]:
    """Every distinct Chinese character of `text`, in order of first appearance. Once each: a
    one-character query only needs to know which chunks hold the character, and repeating the
    most frequent characters of the language would double the index."""
    return list(dict.fromkeys("".join(HAN_RUN.findall(normalize(text)))))


def index_text(text: str) -> str:
    """The space-separated token string stored in the index for `text`."""
    if not text:
        return ""
    return " ".join([*word_tokens(text), *gram_tokens(text), *char_tokens(text)])


@dataclass(frozen=True)
class Term:
    """One thing that must appear: `text` (normalised) and how to ask the index for it."""

    text: str
    kind: str  # "prefix" (a Latin/number piece), "token" (one or two Chinese characters), "phrase"
    parts: tuple[str, ...]  # the tokens: one for prefix/token, the bigrams for phrase
    word: str = ""  # the term as a dictionary word, for ranking (phrase terms only)


def parse_query(query: str, max_terms: int = 8) -> list[Term]:
    """Split what the user typed into terms that must all match. Spaces separate terms; within a
    term, Chinese runs and Latin/number runs are separate terms."""
    terms: list[Term] = []
    seen = set()
    for chunk in normalize(query).split():
        for piece in TOKEN_PIECE.findall(chunk):
            if piece in seen:
                continue
            seen.add(piece)
            if not IS_HAN.match(piece):
                terms.append(Term(piece, "prefix", (piece,)))
            elif len(piece) <= 2:
                terms.append(Term(piece, "token", (piece,)))
            else:
                bigrams = tuple(piece[i : i + 2] for i in range(len(piece) - 1))
                terms.append(Term(piece, "phrase", bigrams, word=piece))
    return terms[:max_terms]
