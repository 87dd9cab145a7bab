import pytest
from rest_framework.settings import api_settings

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def test_token_for_good_credentials_and_400_for_bad(api_client, editor):
    good = api_client.post(TOKEN, {"username": "editor", "password": "correct-horse-battery"})
    assert good.status_code == 200 and len(good.json()["token"]) == 40
    again = api_client.post(TOKEN, {"username": "editor", "password": "correct-horse-battery"})
    assert again.json()["token"] == good.json()["token"]
    bad = api_client.post(TOKEN, {"username": "editor", "password": "wrong"})
    assert bad.status_code == 401 and "detail" in bad.json()
    assert bad.headers["WWW-Authenticate"] == "Token"
    missing = api_client.post(TOKEN, {})
    assert missing.status_code == 400 and set(missing.json()) == {"username", "password"}


def test_a_wrong_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api_client.get("/api/v1/articles/").status_code == 401


def test_session_authentication_serves_the_browsable_api(client, editor):
    client.force_login(editor)
    response = client.get("/api/v1/articles/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"editor" in response.content


def test_anonymous_requests_are_throttled(api_client, monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "3/day")
    statuses = [api_client.get("/api/v1/tags/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_client.get("/api/v1/tags/")
    assert "Retry-After" in response.headers and "detail" in response.json()


@pytest.mark.slow
def test_password_guesses_are_throttled_per_address_and_per_username(
    api_client, editor, monkeypatch
):
    # A day's window: a clock minute's boundary could fall between the guesses.
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "login", "10/day")
    guesses = [
        api_client.post(TOKEN, {"username": "editor", "password": f"guess-{n}"}).status_code
        for n in range(11)
    ]
    assert guesses == [401] * 10 + [429]
    # Another address, the same username: still throttled (the username's own count).
    other = api_client.post(TOKEN, {"username": "EDITOR", "password": "x"}, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 429 and "Retry-After" in other.headers


def test_x_forwarded_for_is_ignored_without_trusted_proxies(api_client, monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "3/day")
    statuses = [
        api_client.get("/api/v1/tags/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]  # a new forged address per request gains nothing


@pytest.mark.django_db
def test_a_token_works_with_the_bearer_keyword_too(api_client, editor):
    """Generated OpenAPI clients send ``Bearer`` unless told otherwise."""
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=editor).key
    body = {"title": "T", "body": "B", "language": "en"}
    for keyword in ("Token", "Bearer", "bearer"):
        api_client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
        assert api_client.post("/api/v1/articles/", body, format="json").status_code == 201
    api_client.credentials(HTTP_AUTHORIZATION="Bearer wrong")
    assert api_client.post("/api/v1/articles/", body, format="json").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="Basic abc")
    assert api_client.post("/api/v1/articles/", body, format="json").status_code == 401
