import pytest
from django.db import connections


@pytest.mark.django_db
def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["database"]) == ("ok", "ok")
    assert data["search"]["state"] == "ok" and data["search"]["lag"] == 0


@pytest.mark.django_db
def test_healthz_counts_articles_quotes_and_names_apart(client):
    from tests.factories import ArticleFactory

    ArticleFactory(tags=["Climat"], quotes=[{"source": "Bob", "text": "One."}])
    search = client.get("/healthz").json()["search"]
    assert (search["articles"], search["quotes"], search["names"]) == (1, 1, 2)
    assert search["documents"] == 4


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client):
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="/nonexistent-newsapi-socket-dir", PORT="")
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
