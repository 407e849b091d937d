"""Demo data: procedures, department contacts, social organisations, volunteers, activities with
shifts and hours, stories and news of all six organisations."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from shuniu.core.models import Organization, OrganizationKind
from shuniu.core.seeding import SeedContext
from shuniu.core.validators import USCC_ALPHABET, credit_code_check_character
from shuniu.outreach.models import (
    Activity,
    ActivityPhoto,
    ActivityStatus,
    DepartmentContact,
    HoursStatus,
    NewsItem,
    Procedure,
    ProcedureStep,
    ProcedureVersion,
    Shift,
    SocialOrganizationProfile,
    Story,
    StoryKind,
    StoryStatus,
    Volunteer,
    VolunteerHours,
    VolunteerShift,
    VolunteerShiftStatus,
)

PROCEDURES = [
    (
        "rights.referral",
        "跨组织转介办理规程",
        "接到转介后3个工作日内答复是否接收；不接收须说明理由并退回联席办。",
        [
            ("转出单位", "填写转介单，说明诉求和已做工作", 1),
            ("接收单位", "答复接收或说明理由拒收", 3),
            ("接收单位", "按复杂程度在时限内办结并反馈转出单位", 15),
            ("联席办", "对逾期未答复的转介进行督办", 2),
        ],
    ),
    (
        "rights.intake",
        "维权诉求受理规程",
        "热线、维权岗、门户来件当日登记，1个工作日内分派。",
        [("接线员", "当日登记诉求并告知查询码", 0), ("经办人", "1个工作日内受理或转介", 1)],
    ),
    (
        "relief.application",
        "困难群众救助申请审批规程",
        "受理、初审、复审、公示、发放五步；公示期不少于5个工作日。",
        [
            ("街道群团组织", "受理申请并入户核查", 5),
            ("区级组织经办人", "初审", 5),
            ("区级组织负责人", "复审", 3),
            ("区级组织", "公示", 5),
            ("财务", "公示无异议后发放", 5),
        ],
    ),
    (
        "outreach.story",
        "先进典型和典型案例宣传规程",
        "由已办结案件整理的典型，须去除当事人个人信息并经负责人审核后发布。",
        [("经办人", "整理典型并完成个人信息检查", 5), ("部门负责人", "审核并发布", 3)],
    ),
    (
        "outreach.hours",
        "志愿服务时长确认规程",
        "志愿者签退后，由活动主办单位在5个工作日内确认时长；本人不得确认自己的时长。",
        [("志愿者", "到场签到、离场签退", None), ("主办单位经办人", "核对并确认时长", 5)],
    ),
    (
        "outreach.activity",
        "群团公益活动组织规程",
        "活动发布前明确无障碍安排和志愿者岗位；活动后3个工作日内上传照片。",
        [("主办单位", "发布活动并设置志愿服务班次", None), ("主办单位", "上传活动照片", 3)],
    ),
    (
        "outreach.partners",
        "与政府部门联动工作规程",
        "各部门确定联络人；联合办理的案件由牵头单位每月通报进展。",
        [("政府部门", "确定并更新联络人", 10), ("牵头单位", "每月通报联合办理案件进展", 22)],
    ),
]

CONTACTS = {
    "gov-hrss": ("钱科长", "劳动关系科科长", "0571-86010001", "劳动争议调解、欠薪治理"),
    "gov-hrss-inspection": ("孔队长", "监察大队副队长", "0571-86010002", "劳动保障监察、欠薪案件查处"),
    "gov-civil-affairs": ("严科长", "社会救助科科长", "0571-86010003", "低保、临时救助、社会组织登记"),
    "gov-justice": ("华主任", "法律援助中心主任", "0571-86010004", "法律援助、人民调解"),
    "gov-education": ("金科长", "学生资助中心", "0571-86010005", "学生资助、留守儿童关爱"),
    "gov-health": ("魏主任", "妇幼健康科", "0571-86010006", "妇幼健康、心理援助"),
    "gov-police": ("陶警官", "治安大队", "0571-86010007", "家庭暴力告诫、紧急救助"),
}

SOCIAL_FIELDS = {
    "social-lawyers": "legal",
    "social-youth-volunteers": "youth",
    "social-family-service": "family",
    "social-science-popular": "science",
    "social-sign-language": "disability",
    "social-first-aid": "health",
}

# (organisation, title, target group, accessibility, skills needed, place)
ACTIVITIES = [
    ("womens-federation", "家庭教育公益讲座", "children", ["wheelchair", "large_print"], [], "区妇女儿童活动中心"),
    (
        "disabled-federation",
        "手语角：和听障朋友聊聊天",
        "disabled",
        ["sign_language", "wheelchair"],
        ["sign_language"],
        "和平社区文化家园",
    ),
    ("red-cross", "应急救护普及培训", "everyone", ["wheelchair"], ["first_aid"], "区红十字会培训室"),
    ("union", "职工法律咨询进工地", "workers", [], ["legal"], "江滨新城建设工地"),
    ("youth-league", "青少年科学营", "youth", ["accessible_toilet"], ["teaching"], "区青少年宫"),
    (
        "science-association",
        "老年人智能手机课堂",
        "elderly",
        ["large_print", "hearing_loop"],
        ["it"],
        "幸福社区老年活动室",
    ),
    ("union", "爱心送清凉", "workers", [], ["driving"], "区总工会职工服务中心"),
    (
        "disabled-federation",
        "助残日义诊",
        "disabled",
        ["wheelchair", "guide", "sign_language"],
        ["sign_language", "first_aid"],
        "区残疾人康复中心",
    ),
]

STORIES = [
    (
        "union",
        StoryKind.EXEMPLARY_CASE,
        "工会联合劳动监察为42名农民工追回欠薪",
        "工会与劳动监察联动，两周内追回工资68万元。",
        "某建筑项目拖欠42名农民工工资。区总工会接到12351热线来电后，当日联系区劳动保障监察大队联合约谈项目方，"
        "两周内为工人追回工资68万元，并推动企业建立工资专用账户。",
        "欠薪,联动,农民工",
    ),
    (
        "womens-federation",
        StoryKind.EXEMPLARY_CASE,
        "妇联、公安、民政联动守护家暴受害者",
        "从求助到安置只用了24小时。",
        "12338热线接到求助后，区妇联立即联系公安分局出具告诫书，民政局提供临时庇护，"
        "阳光家庭服务中心跟进心理疏导。当事人王某现已重新就业。",
        "反家暴,联动",
    ),
    (
        "youth-league",
        StoryKind.EXEMPLARY_MODEL,
        "青年志愿者服务队：三年服务一万小时",
        "一支由大学生和青年职工组成的志愿服务队。",
        "临江区青年志愿者协会三年来在社区开展助老、助学活动，累计志愿服务超过一万小时。",
        "志愿服务,青年",
    ),
    (
        "disabled-federation",
        StoryKind.EXPERIENCE,
        "手语服务进社区的经验",
        "残联与手语服务协会合作，让听障居民办事不再难。",
        "区残联联合临江区手语服务协会，在八个街道便民服务中心设立手语服务岗，志愿者按班次值守。",
        "手语,无障碍",
    ),
    (
        "red-cross",
        StoryKind.EXEMPLARY_MODEL,
        "应急救护志愿者及时施救",
        "经过培训的志愿者在公交站成功施救一名老人。",
        "应急救护志愿者协会的志愿者在公交站发现一名老人晕倒，立即实施心肺复苏并拨打120，老人转危为安。",
        "应急救护",
    ),
]

NEWS = [
    ("union", "区总工会启动“冬送温暖”活动", "今年将走访慰问困难职工500户。"),
    ("youth-league", "团区委招募暑期社区志愿者", "面向在校大学生招募200名社区志愿者。"),
    ("womens-federation", "“春蕾计划”新学期资助名单公示", "本学期共资助女童86名，公示期5个工作日。"),
    ("science-association", "全国科普日临江区主场活动举行", "30余家单位参展，吸引市民5000余人次。"),
    ("disabled-federation", "残疾人职业技能培训班开班", "本期开设电商客服、手工编织两个专业。"),
    ("red-cross", "区红十字会开展无偿献血宣传", "全区各街道设立宣传点12个。"),
    ("union", "职工法律援助中心延长服务时间", "工作日晚上和周六上午也可咨询。"),
    ("womens-federation", "家庭教育指导服务站覆盖全部社区", "全区64个社区均已设立服务站。"),
]


def credit_code(index: int) -> str:
    first17 = f"52330999MJ{index:05d}".ljust(17, "0")[:17]
    first17 = "".join(char if char in USCC_ALPHABET else "0" for char in first17)
    return first17 + credit_code_check_character(first17)


def demo_photo(label_color) -> bytes:
    image = Image.new("RGB", (640, 400), label_color)
    draw = ImageDraw.Draw(image)
    for offset in range(0, 640, 40):
        draw.line([(offset, 0), (offset + 200, 400)], fill=(255, 255, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def seed(context: SeedContext) -> None:
    rng, fake = context.random, context.faker
    now = timezone.now()
    coordinator = context.user("coordinator")
    joint_office = context.org("joint-office")
    for code, title, summary, steps in PROCEDURES:
        procedure = Procedure.objects.create(code=code, title=title, owner=joint_office)
        numbers = [1, 2] if code == "rights.referral" else [1]
        for number in numbers:
            version = ProcedureVersion.objects.create(
                procedure=procedure,
                number=number,
                summary=summary if number == numbers[-1] else summary.replace("3个工作日", "5个工作日"),
                body=f"{title}（第{number}版）。\n\n{summary}",
                effective_from=timezone.localdate() - timedelta(days=400 - 200 * number),
                change_note="" if number == 1 else "答复时限由5个工作日缩短为3个工作日",
                created_by=coordinator,
            )
            ProcedureStep.objects.bulk_create(
                ProcedureStep(version=version, order=index, actor=actor, action=action, deadline_working_days=days)
                for index, (actor, action, days) in enumerate(steps, start=1)
            )
    for code, (name, title, phone, remit) in CONTACTS.items():
        DepartmentContact.objects.create(department=context.org(code), name=name, title=title, phone=phone, remit=remit)
    social_orgs = Organization.objects.filter(kind=OrganizationKind.SOCIAL_ORG).order_by("code")
    for index, organization in enumerate(social_orgs):
        organization.credit_code = credit_code(index + 1)
        organization.save(update_fields=["credit_code"])
        SocialOrganizationProfile.objects.create(
            organization=organization,
            field=SOCIAL_FIELDS.get(organization.code, "community"),
            description=f"{organization.name}是{organization.hub.name}联系的枢纽型社会组织。",
            contact_name=fake.name(),
            contact_phone=f"0571-8602{index:04d}",
            contact_email=f"contact{index + 1}@social.example",
        )

    skills_pool = ["sign_language", "first_aid", "legal", "teaching", "it", "elderly_care", "driving", "photography"]
    volunteers = []
    for index in range(int(40 * max(context.scale, 0.25))):
        skills = rng.sample(skills_pool, k=rng.choice([1, 1, 2, 3]))
        if index < 5:
            skills = ["sign_language", *[skill for skill in skills if skill != "sign_language"]]
        volunteers.append(
            Volunteer(
                name=fake.name(),
                phone=f"139{index:08d}",
                skills=skills,
                availability=rng.sample(["weekday_daytime", "weekday_evening", "weekend", "holidays"], k=2),
                code=f"DEMO{index:04d}",
            )
        )
    for volunteer in volunteers:
        volunteer.save()  # save() fills the blind index and the last four digits
    organizer = {
        "union": context.user("union_caseworker"),
        "womens-federation": context.user("women_caseworker"),
        "youth-league": context.user("youth_caseworker"),
        "science-association": context.user("science_caseworker"),
        "disabled-federation": context.user("disabled_caseworker"),
        "red-cross": context.user("redcross_caseworker"),
    }
    sign_language_org = Organization.objects.filter(code="social-sign-language").first()
    for index, (code, title, group, access, skills, place) in enumerate(ACTIVITIES):
        past = index % 3 == 2
        moment = timezone.localtime(now - timedelta(days=10 + index) if past else now + timedelta(days=3 + index * 2))
        starts = moment.replace(hour=9, minute=0, second=0, microsecond=0)
        activity = Activity.objects.create(
            organization=context.org(code),
            title=title,
            description=f"{title}。欢迎居民参加，现场提供茶水。",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            place=place,
            capacity=rng.choice([30, 50, 80]),
            target_group=group,
            accessibility=access,
            needed_skills=skills,
            status=ActivityStatus.PUBLISHED,
            created_by=organizer[code],
        )
        if sign_language_org and "sign_language" in skills:
            activity.partners.add(sign_language_org)
        shift = Shift.objects.create(
            activity=activity,
            title="手语翻译" if "sign_language" in skills else "现场引导",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            slots=4,
            required_skill="sign_language" if "sign_language" in skills else "",
        )
        if past:
            for volunteer in rng.sample(volunteers[:5] if shift.required_skill else volunteers, k=3):
                assignment = VolunteerShift.objects.create(
                    shift=shift,
                    volunteer=volunteer,
                    status=VolunteerShiftStatus.CHECKED_OUT,
                    checked_in_at=starts,
                    checked_out_at=starts + timedelta(minutes=150),
                )
                confirmed = rng.random() < 0.7
                VolunteerHours.objects.create(
                    assignment=assignment,
                    volunteer=volunteer,
                    recorded_minutes=150,
                    confirmed_minutes=150 if confirmed else None,
                    status=HoursStatus.CONFIRMED if confirmed else HoursStatus.PENDING,
                    decided_by=organizer[code] if confirmed else None,
                    decided_at=now if confirmed else None,
                )
            Shift.objects.filter(pk=shift.pk).update(taken=3)
            photo = ActivityPhoto(activity=activity, content_type="image/jpeg", caption=f"{title}现场")
            photo.image.save(f"demo-{activity.pk}.jpg", ContentFile(demo_photo((30 + index * 20, 90, 140))), save=False)
            photo.save()
    for index, (code, kind, title, summary, body, tags) in enumerate(STORIES):
        story = Story(
            organization=context.org(code),
            kind=kind,
            title=title,
            summary=summary,
            body=body,
            tags=tags,
            status=StoryStatus.PUBLISHED,
            published_at=now - timedelta(days=5 * index + 1),
            view_count=rng.randint(20, 400),
            created_by=organizer[code],
            privacy_confirmed_by=organizer[code],
            privacy_confirmed_at=now - timedelta(days=5 * index + 2),
        )
        story.privacy_confirmed_hash = story.content_hash()
        story.save()
    Story.objects.create(
        organization=context.org("womens-federation"),
        kind=StoryKind.EXEMPLARY_CASE,
        title="女职工产假工资维权案例（草稿）",
        body="李秀英（手机13912340000）在某公司工作，产假期间被停发工资，经妇联协调，公司补发工资。",
        created_by=organizer["womens-federation"],
    )
    for index, (code, title, body) in enumerate(NEWS):
        NewsItem.objects.create(
            organization=context.org(code),
            title=title,
            body=body,
            published_at=now - timedelta(days=index * 3 + 1),
            created_by=organizer[code],
        )
    referrals = seed_referrals(context)
    context.say(
        f"    {len(ACTIVITIES)} activities, {len(volunteers)} volunteers, {len(STORIES) + 1} stories,"
        f" {referrals} referrals to social organisations"
    )


REFERRAL_NEEDS = [
    ("sent", "独居老人需要每周两次上门陪伴和代购生活用品"),
    ("accepted", "单亲母亲希望孩子参加课后托管和作业辅导"),
    ("done", "家庭矛盾需要心理疏导和家庭关系调适"),
]


def seed_referrals(context: SeedContext) -> int:
    """A few referrals of the Women's Federation to its family-service centre, one in each state.
    Made directly (not through the service) so that seeding sends no e-mail."""
    import secrets

    from shuniu.outreach.models import SocialOrganizationMessage, SocialReferral
    from shuniu.people.models import Consent, ConsentPurpose

    hub = context.org("womens-federation")
    social = Organization.objects.filter(code="social-family-service", hub=hub).first()
    people = list(
        Consent.objects.filter(organization=hub, purpose=ConsentPurpose.SHARING, withdrawn_at__isnull=True)
        .select_related("person", "person__community")
        .order_by("person_id")[: len(REFERRAL_NEEDS)]
    )
    if social is None or len(people) < len(REFERRAL_NEEDS):
        return 0
    now = timezone.now()
    for index, ((status, need), consent) in enumerate(zip(REFERRAL_NEEDS, people, strict=True)):
        person = consent.person
        created = now - timedelta(days=6 - index * 2)
        referral = SocialReferral.objects.create(
            hub=hub,
            social_organization=social,
            person=person,
            need=need,
            shared_name=person.name,
            shared_phone=person.phone,
            community_name=person.community.name if person.community else "",
            status=status,
            due_on=timezone.localdate() + timedelta(days=7 + index * 3),
            answer_note="" if status == "sent" else "已安排社工跟进",
            outcome_note="已开展三次家庭辅导，双方关系明显缓和" if status == "done" else "",
            link_nonce=secrets.token_hex(16),
            link_expires_at=created + timedelta(days=14),
            created_by=context.user("women_caseworker"),
            created_at=created,
            answered_at=None if status == "sent" else created + timedelta(days=1),
            done_at=now if status == "done" else None,
        )
        SocialOrganizationMessage.objects.create(
            social_organization=social,
            referral=referral,
            to_name=social.social_profile.contact_name,
            to_email=social.social_profile.contact_email,
            subject=f"来自{hub.name}的转介：请于{referral.due_on:%Y-%m-%d}前答复",
            body=need,
            created_at=created,
            sent_at=created,
        )
    return len(REFERRAL_NEEDS)
