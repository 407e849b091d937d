"""The cheaper rendering of the busiest pages (performance issue, "make the case pages fast") keeps
what the pages show: the menu rendered once per permission set still marks the current page and
the unread count, the queue rows built in Python show what the row template showed, escaped, and
the cached filter bar follows the categories and what was chosen."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import Truncator

from shuniu.core.models import Notification, Region, RegionLevel
from shuniu.rights.models import CaseCategory, Status
from tests.rights.helpers import make_case


def test_menu_marks_the_current_page_and_follows_the_unread_count(client_for, world):
    client = client_for(world.caseworker)
    queue_url = reverse("rights:queue")
    first = client.get(queue_url).content.decode()
    assert (
        f'<li class="nav-item active">\n            <a class="nav-link" href="{queue_url}" aria-current="page">'
        in first
    )
    assert 'aria-current="page"' not in client.get(reverse("core:inbox")).content.decode().split(queue_url)[1][:40]
    note = Notification.objects.create(recipient=world.caseworker, title="新转介")
    with_unread = client.get(queue_url).content.decode()
    assert '<span class="badge bg-red text-red-fg ms-auto">1</span>' in with_unread
    Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    assert '<span class="badge bg-red text-red-fg ms-auto">' not in client.get(queue_url).content.decode()


def test_queue_rows_show_the_case_escaped(client_for, world):
    case = make_case(
        world,
        phone="13900004444",
        subject="<b>工地</b>拖欠工资三个月，老板失联，工友二十人一起来求助，请尽快帮忙联系劳动监察大队处理",
    )
    response = client_for(world.caseworker).get(reverse("rights:queue") + "?tab=all")
    html = response.content.decode()
    detail = reverse("rights:case_detail", args=[case.pk])
    assert f'<a class="font-monospace" href="{detail}">{case.tracking_code}</a>' in html
    # truncated to 40 characters with the language's ellipsis, like the `truncatechars` filter
    with translation.override("zh-hans"):
        shown = escape(Truncator(case.subject).chars(40))
    assert shown.startswith("&lt;b&gt;工地&lt;/b&gt;拖欠工资")
    assert f"<td>{shown}<div" in html
    assert "联系劳动监察大队处理" not in html
    assert "<b>工地</b>" not in html
    with translation.override("zh-hans"):
        label = str(Status(case.status).label)
    assert f'<span class="badge bg-secondary text-secondary-fg">{label}</span>' in html
    assert timezone.localtime(case.received_at).strftime("%Y-%m-%d") in html


def test_queue_row_marks_an_overdue_case(client_for, world):
    case = make_case(world, phone="13900005555")
    past = timezone.now() - timedelta(days=3)
    type(case).objects.filter(pk=case.pk).update(first_response_due=past, resolution_due=past)
    html = client_for(world.caseworker).get(reverse("rights:queue") + "?tab=all").content.decode()
    due = timezone.localtime(past).strftime("%Y-%m-%d")
    assert f'<span class="deadline-overdue">{due}</span> <span class="badge bg-red text-red-fg">' in html


def test_filter_bar_follows_new_categories_and_the_chosen_status(client_for, world):
    client = client_for(world.caseworker)
    url = reverse("rights:queue") + "?tab=all"
    assert "新类别测试" not in client.get(url).content.decode()
    category = CaseCategory.objects.create(code="bench_new", name="新类别测试", name_en="New test category")
    html = client.get(url).content.decode()
    assert f'<option value="{category.pk}">新类别测试</option>' in html
    chosen = client.get(url + "&status=in_progress").content.decode()
    assert '<option value="in_progress" selected>' in chosen
    assert '<option value="in_progress" selected>' not in client.get(url).content.decode()


def test_filter_bar_follows_a_renamed_category_and_a_removed_street(client_for, world):
    client = client_for(world.caseworker)
    url = reverse("rights:queue") + "?tab=all"
    category = CaseCategory.objects.create(code="bench_rename", name="旧名称类别", name_en="Old name")
    street = Region.objects.create(code="999001", name="临时测试街道", level=RegionLevel.STREET)
    before = client.get(url).content.decode()
    assert "旧名称类别" in before and "临时测试街道" in before
    category.name = "新名称类别"
    category.save()
    street.delete()
    after = client.get(url).content.decode()
    assert "新名称类别" in after and "旧名称类别" not in after
    assert "临时测试街道" not in after


def test_queue_row_shows_street_lead_and_caseworker(client_for, world):
    case = make_case(world, phone="13900006666")
    world.caseworker.display_name = "李办事员"
    world.caseworker.save()
    type(case).objects.filter(pk=case.pk).update(assignee=world.caseworker, street=world.street)
    html = client_for(world.caseworker).get(reverse("rights:queue") + "?tab=all").content.decode()
    row = html[html.index(case.tracking_code) :].split("</tr>")[0]
    assert f"王芳 · {world.street.name}</div>" in row
    assert f"{escape(case.lead_org.display_name)}<div" in row
    assert "李办事员</div>" in row
