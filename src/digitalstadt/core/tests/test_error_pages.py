"""Error pages in the site's layout and the visitor's language (never Django's debug or
bare pages), and `make run`'s settings: the product with DEBUG off."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[4]


def test_an_unknown_page_is_a_404_in_the_site_layout_in_german_and_english(client):
    response = client.get("/gibt-es-nicht/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in page and 'href="/leistungen/"' in page
    assert "Offizielle Website der" in page  # the site's header, not a bare page
    assert "URLconf" not in page
    response = client.get("/en/does-not-exist/")
    assert response.status_code == 404 and "This page does not exist" in response.content.decode()


def test_a_server_error_is_a_500_in_the_site_layout(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    from digitalstadt.core.views import server_error

    request = rf.get("/irgendwo/")
    request.user = AnonymousUser()
    response = server_error(request)
    assert response.status_code == 500
    assert "Das hat leider nicht geklappt" in response.content.decode()


def test_the_500_page_still_answers_when_the_layout_itself_fails(rf: RequestFactory):
    from digitalstadt.core.views import server_error

    request = rf.get("/irgendwo/")  # no user: the layout cannot render
    with override_settings(TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                                       "DIRS": [], "APP_DIRS": False}]):
        response = server_error(request)
    assert response.status_code == 500
    assert "Das hat leider nicht geklappt" in response.content.decode() and 'lang="en"' in response.content.decode()


def test_a_bad_host_is_a_400_in_the_site_layout(client):
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Diese Anfrage können wir nicht bearbeiten" in response.content.decode()


def test_make_run_serves_the_product_with_debug_off(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digitalstadt.settings.run", "VAR_DIR": str(tmp_path),
           "SITE_URL": "http://buergerbuero.local:8123", "PYTHONPATH": str(ROOT / "src")}
    env.pop("SECRET_KEY", None)
    env.pop("DATABASE_URL", None)
    code = ("from django.conf import settings as s; import django; django.setup(); "
            "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, 'buergerbuero.local' in s.ALLOWED_HOSTS, "
            "len(s.SECRET_KEY) >= 50, s.CSRF_TRUSTED_ORIGINS)")
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split() == ["False", "False", "False", "True", "True", "['http://buergerbuero.local:8123']"]
    key = (tmp_path / "secret_key").read_text()
    again = subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                            "print(settings.SECRET_KEY)"], env=env, capture_output=True, text=True, timeout=60)
    assert again.stdout.strip() == key  # sessions survive a restart
    procfile = (ROOT / "Procfile").read_text()
    assert "gunicorn" in procfile and "runserver" not in procfile
