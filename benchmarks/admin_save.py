"""Print the median time (ms) of saving an article with inlines in the desk, against DATABASE_URL.

Used by benchmarks/serve.py. The article is the newest demo article, given a correction so every inline
(bylines, citations, tags, notes, corrections) has rows; the form is posted back as the desk renders it.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from lxml import html  # noqa: E402

from articles.models import Article, Correction  # noqa: E402


def form_data(page):
    """Every field of the change form as the browser would send it."""
    form = html.fromstring(page).get_element_by_id("article_form")
    data = {}
    for field in form.iter("input", "select", "textarea"):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button", "file"}:
            continue
        if field.tag == "select":
            chosen = [o.get("value") for o in field.iter("option") if o.get("selected") is not None]
            if chosen:
                data[name] = chosen if field.get("multiple") is not None else chosen[0]
        elif field.get("type") in {"checkbox", "radio"}:
            if field.get("checked") is not None:
                data[name] = field.get("value", "on")
        else:
            data[name] = field.text or "" if field.tag == "textarea" else field.get("value", "")
    return data


def main(repeat=5):
    user, _ = get_user_model().objects.get_or_create(username="bench-editor", is_staff=True, is_superuser=True)
    article = Article.objects.filter(slug__startswith="demo--").published().first()
    Correction.objects.get_or_create(
        article=article, defaults={"text": "A date was wrong.", "published_at": timezone.now()}
    )
    client = Client()
    client.force_login(user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    times = []
    for i in range(repeat):
        data = form_data(client.get(url).content)
        data["headline"] = f"{article.headline} ({i})"
        start = time.perf_counter()
        response = client.post(url, data)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.content.decode()[:2000]
    print(f"{statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
