"""Demo data for training: one term (two months back, two months ahead) of courses from all six
mass organisations, with venues, instructors, enrolments, waitlists, attendance, certificates,
feedback and course requests. Past sessions are written directly (the services refuse to schedule
in the past); every lesson still gets a free venue and instructor slot, so there is no double booking."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from shuniu.core.seeding import SeedContext
from shuniu.people.models import Person, PersonTag, Serving, Tag
from shuniu.training.models import (
    Attendance,
    Certificate,
    Course,
    CourseCategory,
    CourseRequest,
    Enrollment,
    EnrollmentStatus,
    Feedback,
    Instructor,
    Lesson,
    RequestStatus,
    Session,
    SessionStatus,
    Venue,
    VenueKind,
)

C = CourseCategory
# organisation code → [(title, category, target groups, hours, lessons, description)]
COURSES = {
    "union": [
        (
            "职工劳动法律知识讲座",
            C.CURRENT_AFFAIRS,
            ["workers"],
            2,
            1,
            "劳动合同、工资支付、工伤认定等职工关心的法律问题。",
        ),
        (
            "电工职业技能提升班",
            C.EMPLOYMENT,
            ["workers", "job_seekers"],
            24,
            6,
            "面向一线职工的电工技能培训，结业可参加职业技能等级认定。",
        ),
        ("职工心理健康与压力管理", C.GENERAL_COMPETENCE, ["workers"], 3, 2, "识别压力信号，学习情绪调节方法。"),
        (
            "困难职工再就业培训",
            C.SPECIAL_GROUPS,
            ["workers", "job_seekers"],
            12,
            4,
            "为困难职工提供求职技巧与岗位对接。",
        ),
    ],
    "youth-league": [
        ("青年创业训练营", C.EMPLOYMENT, ["youth", "job_seekers"], 16, 4, "从创意到商业计划书，导师一对一辅导。"),
        ("青春心向党主题团课", C.THEMATIC_EDUCATION, ["youth"], 2, 1, "学习党史团史，讲述身边的青年榜样。"),
        ("大学生求职面试技巧", C.EMPLOYMENT, ["youth", "job_seekers"], 4, 2, "简历撰写、模拟面试与职业规划。"),
    ],
    "womens-federation": [
        (
            "巾帼家政技能培训",
            C.EMPLOYMENT,
            ["women", "job_seekers"],
            20,
            5,
            "母婴护理、家居保洁等家政技能，结业推荐就业。",
        ),
        ("家庭教育公益课堂", C.GENERAL_COMPETENCE, ["women", "children"], 4, 2, "亲子沟通与儿童成长中的常见问题。"),
        ("反家庭暴力法律知识讲座", C.CURRENT_AFFAIRS, ["women"], 2, 1, "认识家庭暴力，了解人身安全保护令。"),
        (
            "单亲妈妈电商创业培训",
            C.SPECIAL_GROUPS,
            ["women", "job_seekers"],
            12,
            4,
            "网店开设、直播带货入门，帮助单亲妈妈增收。",
        ),
    ],
    "science-association": [
        ("老年人智能手机应用", C.GENERAL_COMPETENCE, ["elderly"], 6, 3, "扫码、视频通话、防范电信诈骗。"),
        ("青少年科学探索营", C.THEMATIC_EDUCATION, ["children", "youth"], 8, 4, "动手做实验，感受科学的乐趣。"),
        ("农业实用技术培训", C.EMPLOYMENT, ["workers", "everyone"], 6, 2, "设施农业与病虫害绿色防控。"),
    ],
    "disabled-federation": [
        (
            "残疾人电脑操作与就业培训",
            C.SPECIAL_GROUPS,
            ["disabled", "job_seekers"],
            24,
            6,
            "办公软件与网络客服技能，配手语翻译。",
        ),
        ("盲人按摩技能提升班", C.SPECIAL_GROUPS, ["disabled"], 16, 4, "中医推拿理论与实操，提升从业能力。"),
        ("助残政策解读", C.CURRENT_AFFAIRS, ["disabled", "everyone"], 2, 1, "两项补贴、辅具适配与无障碍改造政策。"),
    ],
    "red-cross": [
        (
            "应急救护员培训",
            C.GENERAL_COMPETENCE,
            ["everyone"],
            16,
            2,
            "心肺复苏、AED 使用与创伤包扎，考核合格发救护员证。",
        ),
        (
            "家庭急救知识普及",
            C.GENERAL_COMPETENCE,
            ["everyone", "elderly"],
            2,
            1,
            "噎食、烫伤、跌倒等家庭常见意外的处理。",
        ),
        ("人道法与志愿服务", C.THEMATIC_EDUCATION, ["youth", "everyone"], 3, 1, "红十字运动基本原则与志愿服务实践。"),
    ],
}

VENUES = {
    "union": [("区职工服务中心培训基地", VenueKind.TRAINING_BASE, 60, True, True, False)],
    "youth-league": [("青年之家创业孵化基地", VenueKind.TRAINING_BASE, 40, True, False, False)],
    "womens-federation": [
        ("妇女儿童活动中心", VenueKind.TRAINING_BASE, 50, True, True, False),
        ("和平社区书屋", VenueKind.READING_ROOM, 20, True, False, False),
    ],
    "science-association": [("科普教育基地", VenueKind.TRAINING_BASE, 80, True, True, False)],
    "disabled-federation": [("残疾人职业康复中心", VenueKind.TRAINING_BASE, 30, True, True, True)],
    "red-cross": [("应急救护培训中心", VenueKind.TRAINING_BASE, 40, True, False, False)],
}
READING_ROOMS = ["东湖社区书屋", "西城社区书屋", "南山社区书屋", "江滨社区书屋"]

INSTRUCTORS = {
    "union": [
        ("周律师", "执业律师", "劳动法,劳动合同,工伤"),
        ("钱师傅", "高级技师", "电工,安全生产"),
        ("孙老师", "心理咨询师", "心理健康,压力管理"),
    ],
    "youth-league": [("李导师", "创业导师", "创业,商业计划,融资"), ("陈老师", "团校教师", "党史,团史,思想教育")],
    "womens-federation": [
        ("王老师", "家庭教育指导师", "家庭教育,亲子沟通"),
        ("赵老师", "高级育婴师", "家政,母婴护理"),
        ("刘律师", "妇女维权律师", "反家暴,婚姻家庭法"),
    ],
    "science-association": [
        ("吴研究员", "农技推广研究员", "农业技术,病虫害防治"),
        ("郑老师", "科普讲师", "智能手机,防诈骗,科学实验"),
    ],
    "disabled-federation": [
        ("冯老师", "特殊教育教师", "手语,计算机,就业指导"),
        ("蒋医师", "推拿医师", "中医推拿,康复"),
    ],
    "red-cross": [("韩教官", "红十字救护师资", "心肺复苏,AED,应急救护"), ("杨老师", "志愿服务督导", "人道法,志愿服务")],
}

SLOTS = [time(9, 0), time(14, 0), time(19, 0)]


def seed(context: SeedContext) -> None:
    rng = context.random
    now = timezone.now()
    today = timezone.localdate()
    term_start = today - timedelta(days=56)
    streets = context.streets()
    people = list(Person.objects.order_by("id").values_list("id", flat=True)[: int(1500 * context.scale) or 200])
    venues, instructors = {}, {}
    for code, rows in VENUES.items():
        organization = context.org(code)
        venues[code] = [
            Venue.objects.create(
                organization=organization,
                name=name,
                kind=kind,
                street=rng.choice(streets),
                address=f"{rng.choice(streets).name}{rng.randint(1, 200)}号",
                capacity=seats,
                step_free=step_free,
                hearing_loop=loop,
                sign_language=sign,
            )
            for name, kind, seats, step_free, loop, sign in rows
        ]
    womens = context.org("womens-federation")
    for index, name in enumerate(READING_ROOMS):
        venues["womens-federation"].append(
            Venue.objects.create(
                organization=womens,
                name=name,
                kind=VenueKind.READING_ROOM,
                street=streets[index % len(streets)],
                address=f"{streets[index % len(streets)].name}文化家园二楼",
                capacity=25,
                step_free=index % 2 == 0,
            )
        )
    online = Venue.objects.create(
        organization=context.org("science-association"),
        name="临江群团网上课堂",
        kind=VenueKind.ONLINE,
        address="https://learn.shuniu.example/",
        capacity=1000,
    )
    for code, rows in INSTRUCTORS.items():
        instructors[code] = [
            Instructor.objects.create(organization=context.org(code), name=name, title=title, expertise=expertise)
            for name, title, expertise in rows
        ]

    busy: set[tuple[int, datetime]] = set()
    courses = sessions = enrollments_made = 0
    for code, rows in COURSES.items():
        organization = context.org(code)
        for title, category, groups, hours, lesson_count, description in rows:
            course = Course(
                organization=organization,
                title=title,
                category=category,
                description=description,
                hours=Decimal(hours),
                mode="online" if category == C.CURRENT_AFFAIRS and rng.random() < 0.3 else "offline",
            )
            course.set_target_groups(groups)
            course.save()
            courses += 1
            # One run earlier in the term and one coming up; popular courses get a third.
            for offset in [rng.randint(0, 20), rng.randint(40, 75)] + (
                [rng.randint(80, 100)] if rng.random() < 0.4 else []
            ):
                venue = online if course.mode == "online" else rng.choice(venues[code])
                teacher = rng.choice(instructors[code])
                first_day = term_start + timedelta(days=offset)
                plan = _free_plan(busy, venue, teacher, first_day, lesson_count, rng)
                if plan is None:
                    continue
                capacity = min(venue.capacity, rng.choice([10, 15, 20, 30]))
                session = Session.objects.create(
                    course=course,
                    organization=organization,
                    street=venue.street,
                    capacity=capacity,
                    enrollment_closes_at=plan[0] - timedelta(hours=2),
                    starts_at=plan[0],
                    ends_at=plan[-1] + timedelta(minutes=90),
                    status=SessionStatus.CLOSED if plan[-1] + timedelta(minutes=90) < now else SessionStatus.SCHEDULED,
                )
                lessons = Lesson.objects.bulk_create(
                    [
                        Lesson(
                            session=session,
                            starts_at=s,
                            ends_at=s + timedelta(minutes=90),
                            venue=venue,
                            instructor=teacher,
                        )
                        for s in plan
                    ]
                )
                sessions += 1
                enrollments_made += _fill(session, lessons, people, organization, rng, now)
    _requests(context, rng)
    _tags(people, rng)
    context.say(f"    {courses} courses, {sessions} sessions, {enrollments_made} enrolments")


def _free_plan(busy, venue, teacher, first_day, lesson_count, rng):
    for _attempt in range(20):
        slot = rng.choice(SLOTS)
        day = first_day + timedelta(days=_attempt)
        starts = [
            timezone.make_aware(datetime.combine(day + timedelta(days=7 * week), slot)) for week in range(lesson_count)
        ]
        keys = [("v", venue.pk, s) for s in starts] + [("i", teacher.pk, s) for s in starts]
        if not any(key in busy for key in keys):
            busy.update(keys)
            return starts
    return None


def _fill(session, lessons, people, organization, rng, now) -> int:
    """Enrol people: past runs are nearly full with attendance; some coming runs are full with a waitlist."""
    past = session.status == SessionStatus.CLOSED
    if past:
        wanted = int(session.capacity * rng.uniform(0.6, 1.0))
    elif rng.random() < 0.3:
        wanted = session.capacity + rng.randint(1, 4)
    else:
        wanted = int(session.capacity * rng.uniform(0.2, 0.9))
    wanted = min(wanted, len(people))
    chosen = rng.sample(people, wanted)
    Serving.objects.bulk_create(
        [Serving(person_id=pk, organization=organization) for pk in chosen], ignore_conflicts=True
    )
    rows = []
    for index, person_id in enumerate(chosen):
        at = min(session.enrollment_closes_at - timedelta(days=10), now - timedelta(days=1)) + timedelta(
            minutes=index * 37
        )
        confirmed = index < session.capacity
        rows.append(
            Enrollment(
                session=session,
                person_id=person_id,
                channel=rng.choice(["portal", "portal", "staff"]),
                created_at=at,
                status=EnrollmentStatus.CONFIRMED if confirmed else EnrollmentStatus.WAITLISTED,
                confirmed_at=at if confirmed else None,
                waitlisted_at=None if confirmed else at,
            )
        )
    Enrollment.objects.bulk_create(rows)
    enrollments = list(session.enrollments.filter(status=EnrollmentStatus.CONFIRMED))
    attendance, feedback = [], []
    held = [lesson for lesson in lessons if lesson.starts_at < now]
    for enrollment in enrollments:
        diligent = rng.random() < 0.85
        attended = [lesson for lesson in held if rng.random() < (0.95 if diligent else 0.4)]
        attendance.extend(
            Attendance(
                enrollment=enrollment,
                lesson=lesson,
                method=rng.choice(["qr", "qr", "staff"]),
                checked_in_at=lesson.starts_at + timedelta(minutes=rng.randint(-15, 10)),
            )
            for lesson in attended
        )
        enrollment.attended_count = len(attended)
        if attended and rng.random() < 0.5:
            feedback.append(
                Feedback(
                    enrollment=enrollment,
                    rating=rng.choice([5, 5, 4, 4, 4, 3]),
                    comment=rng.choice(["", "老师讲得很清楚", "很实用，希望多开", "时间安排合理"]),
                )
            )
    Attendance.objects.bulk_create(attendance)
    Feedback.objects.bulk_create(feedback)
    if session.status == SessionStatus.CLOSED:
        total = len(lessons)
        for enrollment in enrollments:
            if enrollment.attended_count * 100 >= session.course.completion_percent * total:
                Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=session.ends_at)
                Certificate.objects.create(enrollment=enrollment, issued_at=session.ends_at)
    session.confirmed_count = len(enrollments)
    session.waitlist_count = len(rows) - len(enrollments)
    session.save(update_fields=["confirmed_count", "waitlist_count"])
    return len(rows)


def _requests(context, rng) -> None:
    asks = [
        ("和平社区居委会", "community", "家庭急救知识普及", 30, "周六上午"),
        ("临江精密机械有限公司", "enterprise", "职工劳动法律知识讲座", 80, "工作日午休时间"),
        ("东湖街道幸福社区", "community", "老年人智能手机应用", 25, "下周二下午"),
        ("临江第二中学", "school", "青少年科学探索营", 45, "暑假期间"),
    ]
    for requester, kind, title, size, when in asks:
        course = Course.objects.get(title=title)
        CourseRequest.objects.create(
            course=course,
            organization=course.organization,
            requester_kind=kind,
            requester_name=requester,
            contact_name=context.faker.name(),
            contact_phone=f"139{rng.randint(10000000, 99999999)}",
            group_size=size,
            preferred_time=when,
            status=RequestStatus.PENDING,
        )


def _tags(people, rng) -> None:
    """A few people with circumstances the suggestions page matches (the rights and relief apps add more)."""
    tags = [Tag.UNEMPLOYED, Tag.SINGLE_PARENT, Tag.DISABILITY, Tag.ELDERLY_ALONE]
    PersonTag.objects.bulk_create(
        [PersonTag(person_id=pk, tag=rng.choice(tags)) for pk in rng.sample(people, min(60, len(people)))],
        ignore_conflicts=True,
    )
