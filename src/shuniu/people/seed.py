from shuniu.core.models import Organization, OrganizationKind
from shuniu.core.seeding import SeedContext
from shuniu.core.validators import parse_id_number
from shuniu.people.models import Gender, Person, Serving

DEMO_PEOPLE = 2000


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
    context.say(f"    {len(people)} people")
