"""Static files as production serves them: hashed and compressed by collectstatic, cached for ever by whitenoise."""

import json

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = PRODUCTION_STORAGES
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_MAX_AGE = 3600
    # Our own files only: compressing every admin asset with Brotli would take most of a minute.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_collectstatic_writes_hashed_and_compressed_files(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css" and hashed.startswith("css/site.")
    for suffix in ("", ".gz", ".br"):
        assert (collected / f"{hashed}{suffix}").is_file(), suffix
    assert static("css/site.css") == f"/static/{hashed}"


@pytest.mark.django_db
def test_whitenoise_serves_hashed_files_immutable_and_compressed(collected):
    client = Client()  # a new handler, so whitenoise reads the production settings above
    html = client.get("/").content.decode()
    url = static("css/site.css")
    assert f'href="{url}"' in html
    response = client.get(url, headers={"accept-encoding": "br, gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    assert client.get("/static/css/site.css")["Cache-Control"] == "max-age=3600, public"
