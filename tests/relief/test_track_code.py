"""The tracking page takes `?code=` from "my requests" and messages, but shows nothing without the phone digits."""

from django.urls import reverse

from tests.relief.helpers import make_application


def test_tracking_code_in_the_link_is_filled_in_and_nothing_is_shown_with_it_alone(client, world):
    application = make_application(world)

    response = client.get(reverse("relief_public:track") + f"?code={application.code.lower()}")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{application.code}"' in page
    assert 'name="phone_last4"' in page and "autofocus" in page
    assert "审核中" not in page and application.programme.name not in page


def test_tracking_with_the_code_from_the_link_and_the_phone_digits_shows_the_application(client, world):
    application = make_application(world)
    url = reverse("relief_public:track") + f"?code={application.code}"

    right = client.post(url, {"code": application.code, "phone_last4": "5678"}).content.decode()
    wrong = client.post(url, {"code": application.code, "phone_last4": "0000"}).content.decode()

    assert "审核中" in right
    assert "审核中" not in wrong


def test_tracking_code_in_the_link_is_cleaned(client, world):
    page = client.get(reverse("relief_public:track") + '?code=JZ1"><script>').content.decode()

    assert 'value="JZ1SCRIPT"' in page
    assert "<script>" not in page.split('name="code"')[1].split(">")[0]
