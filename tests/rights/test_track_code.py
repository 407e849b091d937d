"""The tracking page takes `?code=` from "my requests" and messages, but shows nothing without the phone digits."""

from django.urls import reverse

from tests.rights.helpers import make_case


def test_tracking_code_in_the_link_is_filled_in_and_nothing_is_shown_with_it_alone(client, world):
    case = make_case(world)

    response = client.get(reverse("rights_public:track") + f"?code={case.tracking_code}")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{case.tracking_code}"' in page
    assert 'name="last_four"' in page and "autofocus" in page
    assert case.get_status_display() not in page
    assert case.subject not in page and case.requester_name not in page


def test_tracking_with_the_code_from_the_link_and_the_phone_digits_shows_the_case(client, world):
    case = make_case(world)
    url = reverse("rights_public:track") + f"?code={case.tracking_code.lower()}"

    assert f'value="{case.tracking_code}"' in client.get(url).content.decode()
    right = client.post(url, {"code": case.tracking_code, "last_four": "5678"}).content.decode()
    wrong = client.post(url, {"code": case.tracking_code, "last_four": "0000"}).content.decode()

    assert case.get_status_display() in right
    assert case.get_status_display() not in wrong


def test_tracking_code_in_the_link_is_cleaned(client, world):
    page = client.get(reverse("rights_public:track") + '?code=WQ1"><script>x').content.decode()

    assert 'value="WQ1SCRIPTX"' in page
    assert "<script>x" not in page
