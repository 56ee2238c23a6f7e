import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_manifest_names_icons_that_exist_and_the_offline_page_works():
    client = Client()
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon["src"]
    offline = client.get("/offline/")
    assert offline.status_code == 200
    assert "Keine Internetverbindung" in offline.content.decode()


def test_service_worker_is_served_from_the_root_and_caches_only_public_assets():
    response = Client().get("/sw.js")
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert '"/offline/"' in body
    for private in ("/postfach/", "/mein-konto/", "/dokumente/"):
        assert private not in body
