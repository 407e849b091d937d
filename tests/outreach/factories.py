"""Records for outreach tests, built on tests/world.py (everything belongs to org_a unless told)."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from shuniu.core.models import Organization, OrganizationKind
from shuniu.outreach.models import (
    Activity,
    ActivityPhoto,
    ActivitySignup,
    ActivityStatus,
    NewsItem,
    Procedure,
    ProcedureStep,
    ProcedureVersion,
    Shift,
    SocialOrganizationProfile,
    Story,
    StoryStatus,
    Volunteer,
    VolunteerHours,
    VolunteerShift,
    VolunteerShiftStatus,
)

VALID_CREDIT_CODE = "91350100M000100Y43"


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def stored_file(name: str) -> str:
    """A small PNG in the default storage under a fixed name (overwritten, never piling up)."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(png_bytes()))


def make_activity(world, organization=None, status=ActivityStatus.PUBLISHED, start_in=timedelta(days=3), **extra):
    starts = timezone.now() + start_in
    values = {
        "organization": organization or world.org_a,
        "title": "社区手语角",
        "description": "和听障朋友一起学手语。",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "place": "和平社区活动中心",
        "capacity": 20,
        "accessibility": ["wheelchair", "sign_language"],
        "needed_skills": ["sign_language"],
        "status": status,
    }
    values.update(extra)
    return Activity.objects.create(**values)


def make_shift(activity, slots=2, required_skill="", title="引导员"):
    return Shift.objects.create(
        activity=activity,
        title=title,
        starts_at=activity.starts_at,
        ends_at=activity.starts_at + timedelta(hours=2),
        slots=slots,
        required_skill=required_skill,
    )


def make_volunteer(organization=None, phone="13912345678", name="李志愿", skills=("sign_language",), code=None):
    return Volunteer.objects.create(
        name=name,
        phone=phone,
        skills=list(skills),
        organization=organization,
        code=code or f"V{phone[-8:]}",
    )


def make_pending_hours(world, minutes=90, volunteer=None):
    activity = make_activity(world, start_in=timedelta(days=-1))
    shift = make_shift(activity)
    volunteer = volunteer or make_volunteer(world.org_a)
    assignment = VolunteerShift.objects.create(
        shift=shift,
        volunteer=volunteer,
        status=VolunteerShiftStatus.CHECKED_OUT,
        checked_in_at=shift.starts_at,
        checked_out_at=shift.starts_at + timedelta(minutes=minutes),
    )
    return VolunteerHours.objects.create(assignment=assignment, volunteer=volunteer, recorded_minutes=minutes)


def make_signup(activity, phone="13700001111"):
    return ActivitySignup.objects.create(activity=activity, name="张三", phone=phone, code=f"S{phone[-6:]}")


def make_photo(activity):
    return ActivityPhoto.objects.create(
        activity=activity,
        image=stored_file("outreach/photos/test-photo.png"),
        content_type="image/png",
        caption="志愿者在活动中心",
    )


def make_story(world, status=StoryStatus.DRAFT, body="她带领姐妹们创业，带动了十几户家庭增收。", cover=False, **extra):
    story = Story.objects.create(
        organization=extra.pop("organization", world.org_a),
        title=extra.pop("title", "巾帼创业带头人"),
        body=body,
        status=status,
        **extra,
    )
    if cover:
        story.cover = stored_file("outreach/covers/test-cover.png")
        story.cover_type = "image/png"
        story.cover_alt = "合作社的姐妹们"
        story.save()
    if status == StoryStatus.PUBLISHED:
        story.privacy_confirmed_hash = story.content_hash()
        story.published_at = timezone.now()
        story.save()
    return story


def make_social_org(world, hub=None, credit_code=VALID_CREDIT_CODE):
    organization = Organization.objects.create(
        code=f"social-{credit_code.lower()}",
        name="临江区阳光家庭服务中心",
        kind=OrganizationKind.SOCIAL_ORG,
        region=world.district,
        hub=hub or world.org_a,
        credit_code=credit_code,
    )
    return SocialOrganizationProfile.objects.create(organization=organization, field="family")


def make_procedure(world, code="rights.referral"):
    procedure = Procedure.objects.create(code=code, title="跨组织转介办理规程", owner=world.joint_office)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        summary="接收转介后3个工作日内答复是否接收。",
        body="……",
        effective_from=timezone.localdate() - timedelta(days=30),
    )
    ProcedureStep.objects.create(
        version=version, order=1, actor="接收单位", action="答复是否接收", deadline_working_days=3
    )
    return procedure


def make_news(world):
    return NewsItem.objects.create(organization=world.org_a, title="妇联开展家庭教育讲座", body="……")


def make_consenting_person(world, name="赵敏", phone="13700001234", sharing=True):
    from shuniu.people.models import Consent, Person, Serving

    person = Person.objects.create(
        name=name, phone=phone, id_number="110105198502023217", address="和平路9号", community=world.community
    )
    Serving.objects.create(person=person, organization=world.org_a)
    if sharing:
        Consent.objects.create(
            person=person,
            organization=world.org_a,
            purpose="sharing",
            channel="paper",
            given_on=timezone.localdate(),
        )
    return person


def make_referral(world, social_org=None, person=None, **extra):
    """A referral sent by the Women's Federation to its affiliated social organisation."""
    from shuniu.outreach.services import referrals

    profile = social_org or make_social_org(world)
    if not profile.contact_email:
        profile.contact_name, profile.contact_email = "陈主任", "contact@sunshine.example"
        profile.save()
    subject = referrals.subject_from_source(
        world.caseworker, "standalone", (person or make_consenting_person(world)).pk
    )
    values = {
        "hub": world.org_a,
        "social_organization": profile.organization,
        "subject": subject,
        "need": "需要每周两次上门陪伴老人",
        "due_on": timezone.localdate() + timedelta(days=10),
        "share_contact": True,
    }
    values.update(extra)
    return referrals.create_referral(world.caseworker, **values)
