"""A messy list as organisations really keep it: a title row, merged header cells over two rows,
a 序号 column, a wrong ID check character, a duplicate row, a bad date, an unknown community, a
formula cell and a note under the table."""

from datetime import date, datetime

from openpyxl import Workbook

from tests.people.helpers import id_number

VALID_ID = id_number(date(1980, 5, 17), "124")
OTHER_ID = id_number(date(1992, 11, 3), "317")
REGISTERED_ID = id_number(date(1966, 8, 8), "426")


def bad_checksum(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def messy_workbook(path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append(["东湖街道和平社区困难群众花名册（2026年）"])
    sheet.merge_cells("A1:I1")
    sheet.append(["序号", "姓名", "性别", "身份证号", "出生日期", "联系方式", None, "所属社区", "类别"])
    sheet.append([None, None, None, None, None, "手机", "住址", None, None])
    for column in "ABCDEHI":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("F2:G2")
    rows = [
        [
            1,
            "王芳",
            "女",
            VALID_ID,
            datetime(1980, 5, 17),
            "138 1234 5678",
            "和平社区3幢201",
            "和平社区",
            "单亲家庭、低收入",
        ],
        [2, "李强", "男", bad_checksum(OTHER_ID), None, "13900002222", "幸福社区1幢", "幸福社区", "困难职工"],
        [3, "王芳", "女", VALID_ID, "1980-05-17", "13812345678", "和平社区3幢201", "和平社区", ""],
        [4, "赵敏", "女", None, "1975年2月30日", "13900001111", "和平社区5幢", "和平社区", ""],
        [5, "孙丽", "女", None, None, "13900003333", "月亮社区2幢", "月亮社区", ""],
        [6, "周洁", "女", None, None, "=A1&B1", "和平社区", "和平社区", ""],
        [7, "陈晨", "男", OTHER_ID, "1992/11/3", "13700004444", "幸福社区8幢", "幸福社区", "学生"],
        [8, "刘敏", "女", REGISTERED_ID, None, "", "", "", "独居老人"],
    ]
    for row in rows:
        sheet.append(row)
    sheet.append(["制表人：许丽    审核人：唐红"])
    workbook.save(path)
