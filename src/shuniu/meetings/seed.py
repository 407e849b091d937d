"""Demo data: a year of the district's quarterly joint meeting of the six mass organisations.

Three meetings held (submissions, cooperation points decided, a project, minutes, resolutions and
action items in every status, progress reports with evidence) and the next one scheduled, with
submissions still coming in. Dates are relative to today so the demo never goes stale. The
rotation shows both skips: one member asked to pass, and the member that hosted in its place is
skipped when its own turn comes.
"""

from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone, translation

from shuniu.meetings import services
from shuniu.meetings.models import (
    ActionItem,
    Attachment,
    Attendance,
    HostSkip,
    ItemStatus,
    Meeting,
    MeetingStatus,
    PassRequest,
    PlanItem,
    ProgressReport,
    Resolution,
    Submission,
    SubmissionStatus,
)

ROTATION = ["youth-league", "union", "science-association", "disabled-federation", "womens-federation", "red-cross"]

PLANS = {
    "union": [
        ("职工技能大赛", "workers"),
        ("困难职工帮扶慰问", "in_difficulty"),
        ("女职工权益保护宣传", "women"),
        ("职工心理健康讲座", "workers"),
        ("农民工子女暑期托管", "children"),
    ],
    "youth-league": [
        ("青少年暑期托管服务", "children"),
        ("青年志愿者服务进社区", "volunteers"),
        ("大学生就业创业培训", "youth"),
        ("留守儿童关爱行动", "children"),
        ("青少年心理健康讲座", "youth"),
    ],
    "womens-federation": [
        ("女性就业创业培训", "women"),
        ("家庭教育讲座进社区", "families"),
        ("留守儿童关爱行动", "children"),
        ("妇女权益保护宣传", "women"),
        ("巾帼志愿者服务进社区", "volunteers"),
    ],
    "science-association": [
        ("科普知识进社区", "public"),
        ("青少年科技创新大赛", "youth"),
        ("老年人防诈骗科普讲座", "elderly"),
        ("农村实用技术培训", "workers"),
    ],
    "disabled-federation": [
        ("残疾人就业创业培训", "disabled"),
        ("助残志愿者服务进社区", "volunteers"),
        ("残疾儿童康复救助", "children"),
        ("无障碍环境建设宣传", "disabled"),
    ],
    "red-cross": [
        ("应急救护培训进社区", "public"),
        ("无偿献血宣传", "public"),
        ("老年人急救知识讲座", "elderly"),
        ("红十字志愿者服务进社区", "volunteers"),
    ],
}

SUMMARIES = {
    "union": "本季度开展职工技能培训6期，走访慰问困难职工132户，受理职工维权诉求48件，按期办结率97%。",
    "youth-league": "本季度组织青年志愿服务活动21场，开展青少年法治教育进校园12场，12355热线接听咨询310人次。",
    "womens-federation": "本季度开展家庭教育讲座9场，12338热线受理妇女儿童维权诉求64件，春蕾计划资助女童40名。",
    "science-association": "本季度举办科普讲座15场，组织青少年科技创新活动3次，建成社区科普画廊4处。",
    "disabled-federation": "本季度完成残疾人就业培训2期，为86名残疾人适配辅助器具，开展无障碍设施排查3次。",
    "red-cross": "本季度开展应急救护培训18期，培训持证救护员560人，组织无偿献血活动4次。",
}
LESSONS = "与街道、社区提前对接场地和人员，活动覆盖面明显扩大；部分活动宣传不足，参与人数偏少。"
MINUTES = (
    "<h3>一、各单位交流工作</h3><p>六家群团组织分别汇报了上一阶段工作和下一阶段安排，交流了经验做法。</p>"
    "<h3>二、研究合作事项</h3><p>会议对系统提出的合作点逐项研究，确定了需要联合推进的项目。</p>"
    "<h3>三、检查督办事项</h3><p>会议听取了上次会议议定事项的办理情况，对逾期事项提出了督办要求。</p>"
)
RESOLUTIONS = [
    ("建立群团组织联合服务阵地，统筹使用各单位活动场地。", "整合街道党群服务中心场地", "形成场地共享清单并在门户公布"),
    ("联合开展维权服务进社区活动。", "组织维权律师进社区联合接待", "每个街道至少开展一次联合接待"),
    ("加强群团组织志愿服务队伍统筹。", "建立群团志愿者统一名册", "志愿者信息统一登记，服务时长互认"),
]
# Status of the action items of each held meeting (oldest first): every status appears.
ITEM_STATUSES = [
    [ItemStatus.DONE, ItemStatus.DONE, ItemStatus.OVERDUE],
    [ItemStatus.DONE, ItemStatus.OVERDUE, ItemStatus.AT_RISK],
    [ItemStatus.ON_TRACK, ItemStatus.AT_RISK, ItemStatus.DONE],
]


def _at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


def _create_meeting(series, number, starts_on, status):
    choice = services.compute_next_host(series)
    meeting = Meeting.objects.create(
        series=series,
        number=number,
        host=choice.host,
        rotation_turn=choice.turn,
        title=f"{series.name}第{number}次会议",
        status=status,
        starts_at=_at(starts_on, 14),
        venue=f"{choice.host.name}会议室",
        agenda="各成员单位交流前期工作和下阶段安排\n研究合作点和合作项目",
        submission_deadline=_at(starts_on - timedelta(days=5), 17),
        minutes=MINUTES if status == MeetingStatus.HELD else "",
        held_at=_at(starts_on, 17) if status == MeetingStatus.HELD else None,
    )
    for org, why, reason, pass_request in choice.skips:
        HostSkip.objects.create(meeting=meeting, organization=org, why=why, reason=reason)
        if pass_request is not None:
            PassRequest.objects.filter(pk=pass_request.pk).update(used_for=meeting)
    return meeting


def _submissions(context, meeting, orgs, streets, starts_on, skip=(), drafts=()):
    users = {org.code: org.memberships.filter(is_active=True).first() for org in orgs}
    for org in orgs:
        if org.code in skip:
            continue
        membership = users[org.code]
        draft = org.code in drafts
        submission = Submission.objects.create(
            meeting=meeting,
            organization=org,
            status=SubmissionStatus.DRAFT if draft else SubmissionStatus.SUBMITTED,
            work_summary=SUMMARIES[org.code],
            lessons=LESSONS,
            cooperation_proposals="建议与相关群团组织联合开展，共享场地和志愿者资源。",
            submitted_at=None if draft else _at(starts_on - timedelta(days=7 + context.random.randint(0, 5))),
            submitted_by=membership.user if membership else None,
        )
        for title, group in context.random.sample(PLANS[org.code], 3):
            month = (starts_on + timedelta(days=30 * context.random.randint(0, 2))).replace(day=1)
            PlanItem.objects.create(
                submission=submission,
                title=title,
                target_group=group,
                street=context.random.choice(streets) if context.random.random() < 0.8 else None,
                month=month,
            )


def _decide_points(meeting, coordinator, make_project: bool):
    points = list(meeting.cooperation_points.order_by("-score", "id"))
    for index, point in enumerate(points):
        if index == len(points) - 1 and len(points) > 2:
            services.decide_point(actor=coordinator, point=point, accept=False, note="各单位已有安排，暂不合作")
            continue
        services.decide_point(actor=coordinator, point=point, accept=True)
        if make_project and index == 0:
            items = list(point.items.select_related("submission__organization"))
            orgs = []
            for item in items:
                if item.submission.organization not in orgs:
                    orgs.append(item.submission.organization)
            services.create_project(
                actor=coordinator,
                point=point,
                title=f"{items[0].title}（联合项目）",
                description="\n".join(f"{i.submission.organization.display_name}：{i.title}" for i in items),
                lead=orgs[0],
                partners=orgs[1:],
            )


def _resolutions(meeting, orgs, statuses, starts_on, today):
    for number, ((text, task, expected), status) in enumerate(zip(RESOLUTIONS, statuses, strict=True), start=1):
        resolution = Resolution.objects.create(meeting=meeting, number=number, text=text)
        lead = orgs[(meeting.number * 3 + number) % len(orgs)]
        if status in (ItemStatus.ON_TRACK, ItemStatus.AT_RISK):
            deadline = today + timedelta(days=20 + 15 * number)
        else:
            deadline = starts_on + timedelta(days=45 + 10 * number)
            deadline = min(deadline, today - timedelta(days=3))
        item = ActionItem.objects.create(
            resolution=resolution,
            meeting=meeting,
            title=task,
            lead_organization=lead,
            deadline=deadline,
            expected_result=expected,
            status=status,
            completed_at=_at(deadline - timedelta(days=2)) if status == ItemStatus.DONE else None,
            escalated_at=_at(deadline + timedelta(days=1)) if status == ItemStatus.OVERDUE else None,
        )
        item.co_organizations.set([o for o in orgs if o != lead][number : number + 2])
        membership = lead.memberships.filter(is_active=True, role="caseworker").select_related("user").first()
        author = membership.user if membership else None
        ProgressReport.objects.create(
            action_item=item,
            organization=lead,
            author=author,
            text="已召开专题会议研究部署，明确责任人和时间节点。",
            status_after=ItemStatus.ON_TRACK,
            created_at=_at(starts_on + timedelta(days=10)),
        )
        if status == ItemStatus.AT_RISK:
            ProgressReport.objects.create(
                action_item=item,
                organization=lead,
                author=author,
                text="部分街道场地尚未落实，需要协调。",
                status_after=ItemStatus.AT_RISK,
                created_at=_at(starts_on + timedelta(days=25)),
            )
        if status == ItemStatus.DONE:
            report = ProgressReport.objects.create(
                action_item=item,
                organization=lead,
                author=author,
                text="已全部完成，附工作总结和现场照片。",
                status_after=ItemStatus.DONE,
                created_at=item.completed_at,
            )
            attachment = Attachment(progress_report=report, name="工作总结.txt", size=0)
            content = f"{task}\n{expected}\n已完成。\n".encode()
            attachment.size = len(content)
            attachment.file.save("evidence.txt", ContentFile(content), save=True)


def seed(context) -> None:
    with translation.override("zh-hans"):
        _seed(context)


def _seed(context) -> None:
    coordinator = context.user("coordinator")
    orgs = [context.org(code) for code in ROTATION]
    streets = context.streets()[:3]
    series = services.create_series(
        actor=coordinator,
        name="临江区群团组织联席会议",
        convenor=context.org("joint-office"),
        period="quarterly",
        members=orgs,
        description="工会、共青团、妇联、科协、残联、红十字会轮流主办、定期召开。",
    )
    today = timezone.localdate()
    dates = [today - timedelta(days=270), today - timedelta(days=180), today - timedelta(days=90)]
    for index, starts_on in enumerate(dates):
        if index == 2:
            PassRequest.objects.create(
                series=series,
                organization=context.org("science-association"),
                reason="承办全区科技活动周，人手紧张",
                requested_by=context.user("science_caseworker"),
                requested_at=_at(starts_on - timedelta(days=30)),
            )
        meeting = _create_meeting(series, index + 1, starts_on, MeetingStatus.HELD)
        _submissions(context, meeting, orgs, streets, starts_on, skip={"red-cross"} if index == 1 else ())
        services.refresh_cooperation_points(meeting)
        _decide_points(meeting, coordinator, make_project=True)
        for org in orgs:
            Attendance.objects.create(
                meeting=meeting,
                organization=org,
                presence=Attendance.Presence.ON_LEAVE if (index == 1 and org.code == "red-cross") else "present",
                representatives="分管副主席、办公室主任",
            )
        _resolutions(meeting, orgs, ITEM_STATUSES[index], starts_on, today)
    upcoming_on = today + timedelta(days=12)
    meeting = _create_meeting(series, 4, upcoming_on, MeetingStatus.SCHEDULED)
    meeting.agenda = services.open_items_agenda(series.meetings.get(number=3)) + "\n" + meeting.agenda
    meeting.submission_deadline = _at(today + timedelta(days=7), 17)
    meeting.save(update_fields=["agenda", "submission_deadline"])
    _submissions(context, meeting, orgs, streets, today, skip={"union"}, drafts={"womens-federation"})
    services.refresh_cooperation_points(meeting)
    context.say(f"    meetings: {series.meetings.count()} meetings, {ActionItem.objects.count()} action items")
