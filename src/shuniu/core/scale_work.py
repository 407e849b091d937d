"""The rest of the platform's records at scale, for `shuniu seed-scale` (see `core.scale`):
households, relief applications with their notices, payment batches and ledger, courses with
sessions and enrolments, library documents with their pages (and the files themselves), and the
search index of the generated cases and documents.

Every record is consistent with the rules the services enforce: one live application per person,
programme and year; a paid application has exactly one batch line and one disbursement in the
ledger, and each budget covers what its ledger spent; a session's confirmed count is the number of
its confirmed enrolments and never above its places; a document's pages are its file's text.
Rows go in with `core.bulk` (COPY on PostgreSQL), ids reserved up front.
"""

import hashlib
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum

from shuniu.core import bulk
from shuniu.core.models import Organization, OrganizationKind, User

CHUNK = 10_000
# Shares of the applications by status (the rest are paid).
APPLICATION_STATUSES = [
    ("in_review", 0.15),
    ("returned", 0.03),
    ("rejected", 0.07),
    ("approved", 0.08),
    ("in_notice", 0.07),
    ("withdrawn", 0.05),
]
BATCH_LINES = 1000
REASONS = [
    "家庭收入低，子女上学困难",
    "父亲因病失去劳动能力",
    "单亲家庭，母亲打零工",
    "遭受意外，家庭困难",
    "留守儿童，由祖父母照顾",
]
COURSE_TITLES = {
    "general_competence": ["基层干部履职能力提升", "群团工作实务", "沟通与协调技巧"],
    "current_affairs": ["形势与政策专题", "党的二十大精神学习", "法律法规解读"],
    "employment": ["电商直播就业技能", "家政服务员培训", "创业实务入门", "中式面点制作"],
    "thematic_education": ["劳模精神宣讲", "家庭教育讲座", "青少年心理健康"],
    "special_groups": ["残疾人电脑技能", "老年人智能手机使用", "新就业形态劳动者权益"],
}
DOCUMENT_TOPICS = [
    ("policy", "关于做好困难职工帮扶工作的通知", "困难职工 帮扶 政策"),
    ("training", "农民工职业技能培训教材", "培训 技能 就业"),
    ("template", "法律援助申请表填写说明", "法律援助 模板"),
    ("cases", "维权典型案例汇编", "维权 案例 工资"),
    ("speech", "在群团工作联席会议上的讲话", "联席会议 群团 讲话"),
    ("publicity", "春蕾计划宣传手册", "春蕾计划 女童 助学"),
]
PARAGRAPHS = [
    "各级工会、共青团、妇联等群团组织要加强协作，建立联席会议制度，形成工作合力。",
    "对拖欠农民工工资的问题，要及时转介法律援助，跟踪办理直至结案。",
    "困难职工帮扶要做到精准识别、动态管理，避免重复救助和遗漏。",
    "春蕾计划和希望工程的资助对象应当核实家庭经济状况，并公示接受监督。",
    "职业技能培训要面向市场需求，提高劳动者就业创业能力。",
    "残疾人就业服务要落实无障碍环境建设，保障残疾人平等参与社会生活。",
    "未成年人保护工作要建立发现报告、应急处置、帮扶干预机制。",
    "社区是服务群众的最后一公里，要把服务阵地建在群众家门口。",
]


def _staff() -> list[int]:
    users = User.objects.filter(memberships__role__in=["caseworker", "supervisor"], is_active=True)
    return list(users.values_list("id", flat=True).distinct()) or list(User.objects.values_list("id", flat=True)[:1])


def households(generator, first_person: int, count: int, share: float = 0.3) -> int:
    """Group a share of the generated people into households of 2–4 (head, spouse, children,
    parents), members living in the head's community. Returns how many households."""
    from shuniu.people.models import Household, HouseholdRelation, Person

    rng = generator.random
    started = time.perf_counter()
    relations = [HouseholdRelation.SPOUSE, HouseholdRelation.CHILD, HouseholdRelation.CHILD, HouseholdRelation.PARENT]
    made = 0
    position = first_person
    end = first_person + count
    while position < end:
        households_rows, members = [], []
        chunk_end = min(end, position + CHUNK * 5)
        while position < chunk_end:
            size = rng.choice([2, 2, 3, 3, 4])
            if rng.random() < share / 2.7 and position + size <= chunk_end:  # 2.7: mean household size
                households_rows.append(position)
                members.append((position, size))
                position += size
            else:
                position += 1
        if not households_rows:
            continue
        first_household = bulk.reserve_ids(Household, len(households_rows))
        low, high = members[0][0], members[-1][0] + members[-1][1]
        people = {
            row["id"]: row
            for row in Person.objects.filter(pk__gte=low, pk__lt=high)
            .values("id", "name", "community_id", "household_id")
            .iterator(chunk_size=5000)
        }
        rows, updates = [], []
        for offset, (head, size) in enumerate(members):
            household_id = first_household + offset
            head_row = people.get(head)
            if head_row is None or any(people.get(pk, head_row)["household_id"] for pk in range(head, head + size)):
                continue  # missing, or in a household already (a second run over the same people)
            rows.append(
                Household(
                    id=household_id,
                    name=f"{head_row['name']}户"[:60],
                    community_id=head_row["community_id"],
                    monthly_income=Decimal(rng.randrange(800, 12000)),
                )
            )
            updates.append((household_id, HouseholdRelation.HEAD.value, head_row["community_id"], head))
            for index in range(1, size):
                updates.append((household_id, relations[index - 1].value, head_row["community_id"], head + index))
        with transaction.atomic():
            bulk.insert(Household, rows)
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE people_person SET household_id = %s, relation_to_head = %s, community_id = %s"
                    " WHERE id = %s",
                    updates,
                )
        made += len(rows)
        generator.report.add("households", len(rows) + len(updates), time.perf_counter() - started)
        started = time.perf_counter()
        generator.say(f"    households {made:,}")
    generator.report.tables["people_household"] = made
    return made


def applications(generator, people: tuple[int, int], count: int) -> None:
    """Relief applications of the demo's programmes over this year and last, in every status;
    notices for those in or past their notice, payment batches, batch lines and one ledger entry
    for every paid one; each budget raised to cover what its ledger spent."""
    from shuniu.relief.models import (
        Application,
        BatchLine,
        BatchStatus,
        Budget,
        DisbursementBatch,
        EntryKind,
        LedgerEntry,
        Programme,
        PublicNotice,
    )

    rng = generator.random
    programmes = list(Programme.objects.filter(is_active=True).order_by("pk"))
    if not programmes or not count:
        return
    staff = _staff()
    now = generator.now
    years = [now.year, now.year - 1]
    budgets = {}
    for programme in programmes:
        for year in years:
            budget, _ = Budget.objects.get_or_create(
                programme=programme,
                year=year,
                defaults={"amount": Decimal("0"), "funding_source": programme.funding_source},
            )
            budgets[programme.pk, year] = budget
    first_person, people_count = people
    # One live application per programme, person and year: those already there count too.
    used: set[tuple[int, int, int]] = set(
        Application.objects.filter(person_id__gte=first_person, person_id__lt=first_person + people_count)
        .exclude(status__in=["rejected", "withdrawn"])
        .values_list("programme_id", "person_id", "year")
        .iterator(chunk_size=20000)
    )
    spent: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    first_app = bulk.reserve_ids(Application, count)
    made = 0
    while made < count:
        started = time.perf_counter()
        size = min(CHUNK, count - made)
        apps, lines, entries, notices, batches = [], [], [], [], []
        open_notice, open_batch = {}, {}
        # Blocks of ids for this chunk's notices and batches (SQLite reserves by reading MAX(id)).
        next_notice = bulk.reserve_ids(PublicNotice, len(programmes) * len(years) * 2)
        next_batch = bulk.reserve_ids(DisbursementBatch, len(programmes) * len(years) + size // BATCH_LINES + 1)
        for offset in range(size):
            pk = first_app + made + offset
            programme = rng.choice(programmes)
            year = rng.choice(years)
            person = first_person + rng.randrange(people_count)
            roll, status = rng.random(), "paid"
            for name, share in APPLICATION_STATUSES:
                if roll < share:
                    status = name
                    break
                roll -= share
            if status not in ("rejected", "withdrawn"):
                if (programme.pk, person, year) in used:
                    status = "withdrawn"  # the person's live application for the year exists already
                else:
                    used.add((programme.pk, person, year))
            amount = programme.base_amount if programme.base_amount > 0 else Decimal(rng.randrange(500, 3000))
            if programme.person_cap and amount > programme.person_cap:
                amount = programme.person_cap
            created = now - timedelta(days=rng.randrange(1, 330 if year == now.year else 700))
            notice_id = None
            if status in ("in_notice", "paid"):
                key = (programme.pk, year, status)
                if key not in open_notice:
                    starts = created + timedelta(days=10)
                    ends = starts + timedelta(days=programme.notice_days or 7)
                    if status == "in_notice":
                        starts, ends = now - timedelta(days=2), now + timedelta(days=5)
                    notice = PublicNotice(
                        id=next_notice + len(notices),
                        programme_id=programme.pk,
                        organization_id=programme.organization_id,
                        title=f"{programme.name}拟资助对象公示（{year}年）",
                        starts_at=starts,
                        ends_at=ends,
                        created_by_id=rng.choice(staff),
                    )
                    notices.append(notice)
                    open_notice[key] = notice
                notice_id = open_notice[key].id
            apps.append(
                Application(
                    id=pk,
                    code=f"JZ{pk:010d}",
                    programme_id=programme.pk,
                    organization_id=programme.organization_id,
                    person_id=person,
                    year=year,
                    status=status,
                    household_size=rng.randint(1, 5),
                    monthly_income=Decimal(rng.randrange(0, 4000)),
                    reason=rng.choice(REASONS),
                    amount=amount,
                    is_eligible=status != "rejected",
                    notice_id=notice_id,
                    submitted_by_id=rng.choice(staff),
                    created_at=created,
                    updated_at=created + timedelta(days=rng.randint(0, 20)),
                )
            )
            if status == "paid":
                key = (programme.pk, year)
                batch = open_batch.get(key)
                if batch is None or batch.line_count >= BATCH_LINES:
                    batch_id = next_batch + len(batches)
                    preparer, payer = rng.sample(staff, 2) if len(staff) > 1 else (staff[0], staff[0])
                    batch = DisbursementBatch(
                        id=batch_id,
                        code=f"PS{year}-{batch_id:08d}",
                        idempotency_key=f"scale-{batch_id}",
                        programme_id=programme.pk,
                        organization_id=programme.organization_id,
                        budget_id=budgets[key].pk,
                        status=BatchStatus.PAID,
                        total=Decimal("0"),
                        created_by_id=preparer,
                        created_at=created + timedelta(days=20),
                        paid_by_id=payer,
                        paid_at=created + timedelta(days=21),
                    )
                    batch.line_count = 0
                    batches.append(batch)
                    open_batch[key] = batch
                batch.line_count += 1
                batch.total += amount
                lines.append(BatchLine(id=None, batch_id=batch.id, application_id=pk, amount=amount))
                entries.append(
                    LedgerEntry(
                        kind=EntryKind.DISBURSEMENT,
                        amount=amount,
                        programme_id=programme.pk,
                        budget_id=budgets[key].pk,
                        organization_id=programme.organization_id,
                        funding_source=budgets[key].funding_source,
                        person_id=person,
                        application_id=pk,
                        batch_id=batch.id,
                        year=year,
                        operator_id=batch.paid_by_id,
                        created_at=batch.paid_at,
                    )
                )
                spent[key] += amount
        bulk.assign_ids(BatchLine, lines)
        bulk.assign_ids(LedgerEntry, entries)
        with transaction.atomic():
            bulk.insert(PublicNotice, notices)
            bulk.insert(Application, apps)
            bulk.insert(DisbursementBatch, batches)
            bulk.insert(BatchLine, lines)
            bulk.insert(LedgerEntry, entries)
        made += size
        rows = len(apps) + len(notices) + len(batches) + len(lines) + len(entries)
        generator.report.add("relief+ledger", rows, time.perf_counter() - started)
        for table, rows_made in (("relief_application", len(apps)), ("relief_ledgerentry", len(entries))):
            generator.report.tables[table] = generator.report.tables.get(table, 0) + rows_made
        generator.say(f"    applications {made:,}/{count:,}")
    # Every budget covers its whole ledger (the demo's own spending included) with a tenth to spare.
    for key in spent:
        budget = budgets[key]
        total = LedgerEntry.objects.filter(budget=budget).aggregate(total=Sum("amount"))["total"] or Decimal("0")
        Budget.objects.filter(pk=budget.pk).update(
            amount=max(budget.amount, (total * Decimal("1.1")).quantize(Decimal("1")))
        )


def enrolments(generator, people: tuple[int, int], count: int) -> None:
    """Courses of every category for the organisations that train, three sessions each (past and
    coming), and `count` enrolments spread over them; cancelled ones stay, confirmed counts match."""
    from shuniu.training.models import Course, Enrollment, EnrollmentStatus, Session, SessionStatus

    rng = generator.random
    if not count:
        return
    organisations = list(
        Organization.objects.exclude(
            kind__in=[OrganizationKind.GOV_DEPARTMENT, OrganizationKind.SOCIAL_ORG, OrganizationKind.JOINT_OFFICE]
        ).values_list("id", flat=True)
    )
    staff = _staff()
    now = generator.now
    started = time.perf_counter()
    course_count = max(10, count // 2000)
    first_course = bulk.reserve_ids(Course, course_count)
    courses, sessions = [], []
    streets = list({community.parent_id for community in generator.communities if community.parent_id})
    first_session = bulk.reserve_ids(Session, course_count * 3)
    for index in range(course_count):
        category = rng.choice(list(COURSE_TITLES))
        organisation = rng.choice(organisations)
        courses.append(
            Course(
                id=first_course + index,
                organization_id=organisation,
                title=f"{rng.choice(COURSE_TITLES[category])}（第{index + 1}期）",
                category=category,
                description="面向辖区群众的公益培训课程。",
                hours=Decimal(rng.choice([4, 8, 16, 24])),
                is_published=True,
            )
        )
        for number in range(3):
            starts = now + timedelta(days=rng.randint(-300, 60))
            sessions.append(
                Session(
                    id=first_session + index * 3 + number,
                    course_id=first_course + index,
                    organization_id=organisation,
                    street_id=rng.choice(streets) if streets else None,
                    capacity=1,  # set below from the enrolments
                    enrollment_closes_at=starts - timedelta(days=1),
                    starts_at=starts,
                    ends_at=starts + timedelta(days=rng.randint(1, 5)),
                    status=SessionStatus.CLOSED if starts < now - timedelta(days=5) else SessionStatus.SCHEDULED,
                )
            )
    first_person, people_count = people
    taken: set[tuple[int, int]] = set()
    confirmed: dict[int, int] = defaultdict(int)
    rows = []
    first_enrolment = bulk.reserve_ids(Enrollment, count)
    for index in range(count):
        session = rng.choice(sessions)
        person = first_person + rng.randrange(people_count)
        status = EnrollmentStatus.CANCELLED if rng.random() < 0.12 else EnrollmentStatus.CONFIRMED
        if status == EnrollmentStatus.CONFIRMED:
            if (session.id, person) in taken:
                status = EnrollmentStatus.CANCELLED
            else:
                taken.add((session.id, person))
                confirmed[session.id] += 1
        created = min(session.enrollment_closes_at, now) - timedelta(days=rng.randint(1, 30))
        rows.append(
            Enrollment(
                id=first_enrolment + index,
                session_id=session.id,
                person_id=person,
                status=status,
                channel=rng.choice(["staff", "portal"]),
                created_at=created,
                confirmed_at=created if status == EnrollmentStatus.CONFIRMED else None,
                cancelled_at=created + timedelta(days=1) if status == EnrollmentStatus.CANCELLED else None,
                completed_at=session.ends_at
                if status == EnrollmentStatus.CONFIRMED and session.ends_at < now and rng.random() < 0.8
                else None,
                enrolled_by_id=rng.choice(staff),
            )
        )
    for session in sessions:
        session.confirmed_count = confirmed[session.id]
        session.capacity = max(20, session.confirmed_count + rng.randint(0, 10))
    with transaction.atomic():
        bulk.insert(Course, courses)
        bulk.insert(Session, sessions)
        for start in range(0, len(rows), CHUNK * 5):
            bulk.insert(Enrollment, rows[start : start + CHUNK * 5])
    generator.report.add("training", len(courses) + len(sessions) + len(rows), time.perf_counter() - started)
    generator.report.tables["training_enrollment"] = len(rows)
    generator.say(f"    courses {len(courses):,}, sessions {len(sessions):,}, enrolments {len(rows):,}")


def documents(generator, count: int) -> list[int]:
    """Library documents: a text file of several pages written to the media folder for each, its
    version (processed, text preview) and its pages. Returns the new resource ids."""
    from shuniu.library.models import (
        Audience,
        FileKind,
        PreviewMode,
        ProcessingStatus,
        Resource,
        ResourcePage,
        ResourceVersion,
    )

    rng = generator.random
    if not count:
        return []
    organisations = list(
        Organization.objects.exclude(kind__in=[OrganizationKind.SOCIAL_ORG]).values_list("id", flat=True)
    )
    staff = _staff()
    started = time.perf_counter()
    first_resource = bulk.reserve_ids(Resource, count)
    first_version = bulk.reserve_ids(ResourceVersion, count)
    media = Path(settings.MEDIA_ROOT)
    resources, versions, pages = [], [], []
    for index in range(count):
        pk, version_id = first_resource + index, first_version + index
        category, title, tags = rng.choice(DOCUMENT_TOPICS)
        organisation = rng.choice(organisations)
        page_texts = ["\n".join(rng.sample(PARAGRAPHS, 4)) for _ in range(rng.randint(1, 6))]
        content = "\f".join(page_texts).encode("utf-8")
        relative = f"library/{organisation}/scale-{pk}.txt"
        path = media / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        created = generator.now - timedelta(days=rng.randint(0, 700))
        resources.append(
            Resource(
                id=pk,
                organization_id=organisation,
                title=f"{title}（{index + 1}）",
                summary=page_texts[0][:120],
                category=category,
                tags=tags,
                audience=rng.choice([Audience.PUBLIC, Audience.STAFF, Audience.STAFF, Audience.ORGANIZATION]),
                current_version_id=version_id,
                uploaded_by_id=rng.choice(staff),
                download_count=rng.randint(0, 300),
                created_at=created,
                updated_at=created,
            )
        )
        versions.append(
            ResourceVersion(
                id=version_id,
                resource_id=pk,
                number=1,
                file=relative,
                original_name=f"{title}.txt",
                size=len(content),
                kind=FileKind.TXT,
                content_type="text/plain",
                sha256=hashlib.sha256(content).hexdigest(),
                status=ProcessingStatus.READY,
                page_count=len(page_texts),
                preview_mode=PreviewMode.TEXT,
                text_encoding="utf-8",
                uploaded_by_id=resources[-1].uploaded_by_id,
                created_at=created,
                processed_at=created,
            )
        )
        for number, text in enumerate(page_texts, start=1):
            pages.append(ResourcePage(version_id=version_id, number=number, text=text))
    bulk.assign_ids(ResourcePage, pages)
    with transaction.atomic():
        bulk.insert(Resource, resources)
        bulk.insert(ResourceVersion, versions)
        bulk.insert(ResourcePage, pages)
    generator.report.add("documents+pages", len(resources) + len(versions) + len(pages), time.perf_counter() - started)
    generator.report.tables["library_resource"] = len(resources)
    generator.say(f"    documents {len(resources):,} ({len(pages):,} pages)")
    return [resource.id for resource in resources]


def index(generator, model, first_id: int, last_id: int, *, related: tuple[str, ...] = (), batch_size: int = 2000):
    """Put the generated records of `model` (ids first_id..last_id) into the search index;
    `related`: the foreign keys its registration reads (one join instead of a query per record)."""
    from shuniu.search.indexing import index_objects

    started = time.perf_counter()
    made = 0
    position = first_id
    queryset = model._default_manager.select_related(*related).order_by("pk")
    while position <= last_id:
        batch = list(queryset.filter(pk__gte=position, pk__lte=min(last_id, position + batch_size - 1)))
        position += batch_size
        if batch:
            made += index_objects(batch)
            generator.say(f"    search index ({model._meta.label}) up to id {batch[-1].pk:,}")
    generator.report.add(f"search entries ({model._meta.model_name})", made, time.perf_counter() - started)
