from shuniu.core.scoping import get_scope
from shuniu.people.models import Person, Serving


def test_branch_work_is_visible_to_the_parent_organisation_not_to_others(world):
    person = Person.objects.create(name="赵敏")
    Serving.objects.create(person=person, organization=world.org_a_branch)
    assert list(Person.objects.visible_to(world.caseworker)) == [person]  # org_a is the branch's parent
    assert list(Person.objects.visible_to(world.outsider)) == []
    assert list(Person.objects.visible_to(world.coordinator)) == [person]


def test_no_membership_sees_nothing(world, django_user_model):
    loner = django_user_model.objects.create_user("loner", password="x" * 12)
    Person.objects.create(name="孙丽")
    assert get_scope(loner).permissions == frozenset()
    assert list(Person.objects.visible_to(loner)) == []
    assert list(Person.objects.visible_to(None)) == []


def test_permission_holds_in_own_subtree_only(world):
    scope = get_scope(world.caseworker)
    assert scope.has("people:view", world.org_a_branch)
    assert not scope.has("people:view", world.org_b)
    assert get_scope(world.coordinator).has("people:view", world.org_b)
