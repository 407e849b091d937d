from datetime import date

from django.core.exceptions import ValidationError

from shuniu.core.models import Organization, OrganizationKind
from shuniu.core.seeding import SeedContext
from shuniu.core.validators import parse_id_number
from shuniu.people.models import Consent, ConsentChannel, ConsentPurpose, Gender, Person, PersonTag, Serving, Tag
from shuniu.people.synthetic import near_duplicate

DEMO_PEOPLE = 2000
DEMO_DUPLICATES = 80
TAGS_BY_KIND = {
    OrganizationKind.UNION: [Tag.WORKER_IN_HARDSHIP, Tag.UNEMPLOYED],
    OrganizationKind.YOUTH_LEAGUE: [Tag.LEFT_BEHIND_CHILD, Tag.STUDENT],
    OrganizationKind.WOMENS_FEDERATION: [Tag.SINGLE_PARENT, Tag.LOW_INCOME],
    OrganizationKind.DISABLED_FEDERATION: [Tag.DISABILITY],
    OrganizationKind.RED_CROSS: [Tag.IN_DIFFICULTY, Tag.ELDERLY_ALONE],
    OrganizationKind.SCIENCE_ASSOCIATION: [Tag.ELDERLY_ALONE],
}


def seed(context: SeedContext) -> None:
    """2,000 residents with valid, checksummed ID numbers (Faker zh_CN), each served by one or two
    organisations' branches."""
    communities = context.communities()
    serving_orgs = list(
        Organization.objects.filter(
            kind__in=[
                OrganizationKind.UNION,
                OrganizationKind.YOUTH_LEAGUE,
                OrganizationKind.WOMENS_FEDERATION,
                OrganizationKind.DISABLED_FEDERATION,
                OrganizationKind.RED_CROSS,
                OrganizationKind.SCIENCE_ASSOCIATION,
            ]
        )
    )
    fake, rng = context.faker, context.random
    people = []
    seen = set()
    while len(people) < int(DEMO_PEOPLE * context.scale):
        id_number = fake.ssn(min_age=3, max_age=90)
        if id_number in seen:
            continue
        seen.add(id_number)
        _number, birth, gender = parse_id_number(id_number)
        name = fake.name_male() if gender == "male" else fake.name_female()
        community = rng.choice(communities)
        people.append(
            Person(
                name=name,
                gender=Gender(gender),
                birth_date=birth,
                id_number=id_number,
                phone=fake.phone_number(),
                community=community,
                address=f"{community.parent.name}{community.name}{rng.randint(1, 40)}幢{rng.randint(1, 6)}单元"
                f"{rng.randint(1, 28)}0{rng.randint(1, 4)}室",
            )
        )
    Person.objects.bulk_create(people, batch_size=500)
    servings = []
    for person in Person.objects.order_by("id").only("id"):
        for organization in rng.sample(serving_orgs, k=rng.choice([1, 1, 2])):
            servings.append(Serving(person_id=person.id, organization=organization))
    Serving.objects.bulk_create(servings, batch_size=1000, ignore_conflicts=True)
    duplicates = _seed_near_duplicates(context, serving_orgs)
    _seed_tags_and_consents(context)
    households = _seed_households(context)
    from shuniu.people.resolution import scan_registry

    pairs = scan_registry()
    context.say(
        f"    {len(people)} people, {duplicates} near-duplicates from other organisations, {households} households, "
        f"{pairs} pairs to review"
    )


def _seed_near_duplicates(context: SeedContext, serving_orgs: list[Organization]) -> int:
    """The same person in a second organisation's list, typed differently (homophone, traditional
    character, swapped digits, missing ID number, moved address): real work for the review queue."""
    rng = context.random
    originals = list(Person.objects.order_by("id")[: int(DEMO_PEOPLE * context.scale)])
    chosen = rng.sample(originals, k=min(int(DEMO_DUPLICATES * context.scale), len(originals)))
    served = {}
    for serving in Serving.objects.filter(person__in=chosen):
        served.setdefault(serving.person_id, set()).add(serving.organization_id)
    copies, organizations = [], []
    for original in chosen:
        variant = near_duplicate(original.to_record(), rng, key=None)
        id_number = variant.id_number
        if id_number:
            try:
                parse_id_number(id_number)
            except ValidationError:
                id_number = ""  # a typo that breaks the check character would be refused at entry
        others = [org for org in serving_orgs if org.pk not in served.get(original.pk, set())]
        copies.append(
            Person(
                name=variant.name,
                gender=original.gender,
                birth_date=variant.birth_date,
                id_number=id_number,
                phone=variant.phone,
                community=original.community,
                address=variant.address,
            )
        )
        organizations.append(rng.choice(others))
    Person.objects.bulk_create(copies, batch_size=500)
    Serving.objects.bulk_create(
        [Serving(person=copy, organization=org) for copy, org in zip(copies, organizations, strict=True)],
        batch_size=500,
    )
    return len(copies)


def _seed_tags_and_consents(context: SeedContext) -> None:
    rng = context.random
    tags, consents = [], []
    for serving in Serving.objects.select_related("organization").order_by("id"):
        if rng.random() < 0.35:
            tag = rng.choice(TAGS_BY_KIND.get(serving.organization.kind, [Tag.IN_DIFFICULTY]))
            detail = rng.choice(["一级", "二级", "三级", "四级"]) if tag == Tag.DISABILITY else ""
            tags.append(
                PersonTag(person_id=serving.person_id, tag=tag, detail=detail, organization=serving.organization)
            )
        if rng.random() < 0.6:
            given = date(2025, rng.randint(1, 12), rng.randint(1, 28))
            for purpose in (ConsentPurpose.SERVICE, ConsentPurpose.SHARING):
                consents.append(
                    Consent(
                        person_id=serving.person_id,
                        organization=serving.organization,
                        purpose=purpose,
                        channel=rng.choice(ConsentChannel.values),
                        given_on=given,
                    )
                )
    PersonTag.objects.bulk_create(tags, batch_size=1000, ignore_conflicts=True)
    Consent.objects.bulk_create(consents, batch_size=1000)


DEMO_HOUSEHOLDS = 12


def _seed_households(context: SeedContext) -> int:
    """A few households (户): a head, their spouse and one or two children with the head's surname
    (new records with valid ID numbers, served by the head's organisation); every third one a
    low-income household (低保户)."""
    from shuniu.people.households import add_household_member, create_household
    from shuniu.people.models import HouseholdRelation

    fake, rng = context.faker, context.random
    adults = list(
        Person.objects.filter(
            household__isnull=True, birth_date__lte=date(1990, 12, 31), birth_date__gte=date(1960, 1, 1)
        )
        .exclude(community__isnull=True)
        .order_by("id")[:400]
    )
    heads = rng.sample(adults, k=min(max(int(DEMO_HOUSEHOLDS * context.scale), 1), len(adults) // 2))
    used = {head.pk for head in heads}
    created = 0
    for number, head in enumerate(heads):
        serving = Serving.objects.filter(person=head).select_related("organization").order_by("id").first()
        if serving is None:
            continue
        organization = serving.organization
        household = create_household(actor=None, organization=organization, head=head)
        spouses = [
            p for p in adults if p.pk not in used and p.community_id == head.community_id and p.gender != head.gender
        ]
        if spouses:
            spouse = spouses[0]
            used.add(spouse.pk)
            Serving.objects.get_or_create(person=spouse, organization=organization)
            add_household_member(
                actor=None,
                organization=organization,
                household=household,
                person=spouse,
                relation=HouseholdRelation.SPOUSE,
            )
        for _child in range(rng.choice([1, 1, 2])):
            while True:
                id_number = fake.ssn(min_age=4, max_age=17)
                if not Person.objects.filter(
                    id_number_index=Person._meta.get_field("id_number_index").compute(id_number)
                ).exists():
                    break
            _number, birth, gender = parse_id_number(id_number)
            given = fake.first_name_male() if gender == "male" else fake.first_name_female()
            child = Person.objects.create(
                name=head.name[0] + given,
                gender=Gender(gender),
                birth_date=birth,
                id_number=id_number,
                community=head.community,
                address=head.address,
                created_by_org=organization,
            )
            Serving.objects.create(person=child, organization=organization)
            add_household_member(
                actor=None,
                organization=organization,
                household=household,
                person=child,
                relation=HouseholdRelation.CHILD,
            )
        if number % 3 == 0:
            PersonTag.objects.get_or_create(person=head, tag=Tag.LOW_INCOME, defaults={"organization": organization})
        created += 1
    return created
