import pytest

pytestmark = pytest.mark.django_db


def test_allauth_forms_with_errors_answer_400_and_create_nothing(client):
    from digitalstadt.accounts.models import User

    response = client.post("/konto/signup/", {"email": "kein-at-zeichen", "password1": "x", "password2": "y"})
    assert response.status_code == 400
    assert "E-Mail" in response.content.decode()
    assert not User.objects.exists()
    assert client.get("/konto/signup/").status_code == 200
    login = client.post("/konto/login/", {"login": "niemand@example.org", "password": "falsch-falsch"})
    assert login.status_code == 400
