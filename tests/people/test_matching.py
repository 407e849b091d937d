from datetime import date

from shuniu.people import matching
from shuniu.people.matching import Record, score

BIRTH = date(1990, 1, 1)


def test_homophone_and_traditional_names_score_near():
    assert matching.name_similarity("张伟", "张玮") == 0.95
    assert matching.name_similarity("張偉", "张伟") == 1.0
    assert matching.name_similarity("刘晓明", "柳小明") == 0.95
    assert matching.name_similarity("张伟", "李娜") < 0.5


def test_swapped_digits_are_near_and_other_numbers_far():
    assert matching.digits_similarity("13812345678", "13812345687") == 0.8
    assert matching.digits_similarity("13812345678", "13812345678") == 1.0
    assert matching.digits_similarity("13812345678", "13999999999") == 0.0


def test_missing_fields_neither_help_nor_hurt():
    full = Record(1, "张伟", birth_date=BIRTH, gender="male", phone="13812345678")
    same = Record(2, "张伟", birth_date=BIRTH, gender="male", phone="13812345678")
    without_phone = Record(3, "张伟", birth_date=BIRTH, gender="male")
    assert score(full, same).total == 1.0
    assert score(full, without_phone).total == 1.0
    assert "phone" not in score(full, without_phone).fields


def test_a_name_alone_is_never_a_match():
    assert score(Record(1, "张伟"), Record(2, "张伟")).level == ""


def test_different_valid_id_numbers_are_never_likely():
    left = Record(1, "张伟", id_number="110105199001011234", birth_date=BIRTH, gender="male")
    right = Record(2, "张伟", id_number="110105199001015678", birth_date=BIRTH, gender="male")
    assert score(left, right).level in ("", "possible")
    assert score(left, right).total < matching.POSSIBLE


def test_levels_follow_thresholds():
    left = Record(1, "张伟", birth_date=BIRTH, gender="male", phone="13812345678", address="和平社区3幢201")
    likely = Record(2, "张玮", birth_date=BIRTH, gender="male", phone="13812345678", address="和平社区3幢201")
    assert score(left, likely).level == "likely"


def test_resolve_finds_pairs_through_blocks_once():
    records = [
        Record(1, "张伟", birth_date=BIRTH, gender="male", phone="13812345678"),
        Record(2, "張瑋", birth_date=BIRTH, gender="male", phone="13812345687"),
        Record(3, "李娜", birth_date=date(1985, 3, 3), gender="female", phone="13700000000"),
    ]
    pairs = [(left, right) for left, right, _ in matching.resolve(records)]
    assert pairs == [(1, 2)]


def test_id_typos_score_near_whatever_the_check_character():
    number = "330106198005171245"
    swapped = "330106198005711245"
    assert matching.id_similarity(number, swapped[:17] + "9") == 0.8
    assert matching.id_similarity(number, number[:17] + "X") == 0.9
    assert matching.id_similarity(number, "110105197001011234") == 0.0


def test_similar_shapes_and_swapped_phone_digits_are_found():
    left = Record(1, "王颖", birth_date=BIRTH, gender="female", phone="13812345678")
    shape = Record(2, "玉颖", gender="female", phone="13812345678")
    swapped = Record(3, "王颖", gender="female", phone="13812345687")
    assert matching.name_similarity("王颖", "玉颖") == 0.9
    assert sorted((a, b) for a, b, _ in matching.resolve([left, shape, swapped])) == [(1, 2), (1, 3)]
