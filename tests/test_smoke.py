import pytest

pytestmark = pytest.mark.django_db


def test_hello(client):
    response = client.get("/api/hello")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, World!"}
