"""The anonymiser: personal data found by pattern and from the source record's known strings."""

from shuniu.outreach.anonymise import anonymise, find_personal_data

TEXT = (
    "申请人王芳（身份证号11010519491231002X，电话138 1234 5678）住东湖街道和平社区3幢2单元501室。"
    "王芳于2023年入职某公司，被拖欠工资。联系人邮箱wangfang@example.com，单位电话0571-86001234。"
)


def test_known_name_and_patterns_are_replaced_and_listed_masked():
    text, removals = anonymise(TEXT, [("name", "王芳"), ("address", "东湖街道和平社区3幢2单元501室")])

    assert "王芳" not in text
    assert "11010519491231002X" not in text
    assert "138 1234 5678" not in text
    assert "wangfang@example.com" not in text
    assert "0571-86001234" not in text
    assert "3幢2单元501室" not in text
    assert text.count("王某") == 2
    by_kind = {removal.kind: removal for removal in removals}
    assert by_kind["name"].masked == "王*"
    assert by_kind["name"].count == 2
    assert by_kind["id_number"].masked == "110105********002X"
    assert set(by_kind) == {"name", "id_number", "phone", "email", "address"}
    assert find_personal_data(text, [("name", "王芳")]) == []


def test_phone_known_in_one_form_is_found_in_another():
    text, removals = anonymise("请拨打13812345678或138-1234-5678", [("phone", "138 1234 5678")])

    assert "1234" not in text
    assert [removal.kind for removal in removals] == ["phone"]
    assert removals[0].count == 2


def test_clean_text_has_nothing_to_remove():
    clean = "区妇联联合区人社局，为12名女职工追回工资8.6万元。"

    assert anonymise(clean, [("name", "王芳")]) == (clean, [])


def test_amounts_and_dates_are_not_mistaken_for_phones_or_ids():
    text = "2023年11月27日追回工资86000元，涉及职工120人，案号(2023)浙0102民初1234号。"

    assert find_personal_data(text) == []
