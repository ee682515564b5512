"""What pictures cost: making one upload's renditions, and rendering pages full of pictures.

    .venv/bin/python benchmarks/pictures.py       # throwaway SQLite database and media folder

Not a test: timings vary by machine (and by what else runs on it). It prints the time to make every rendition of
one 2400 x 1600 photo, then the median render time and query count of the home, a section and an article page
with COUNT pictured articles, against the same pages with no pictures.
"""

import datetime
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("NEWSROOM_MEDIA_ROOT", tempfile.mkdtemp(prefix="newsroom-bench-media-"))

import django

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageDraw  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from images import renditions  # noqa: E402
from images.models import Image  # noqa: E402

COUNT = 60
REPEAT = 15


def photo(size=(2400, 1600), seed=0):
    """A JPEG with enough detail that encoders work as hard as on a real photo."""
    rng = random.Random(seed)  # noqa: S311 (test pictures, not secrets)
    image = PILImage.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(300):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(10, 200)
        draw.ellipse((x, y, x + r, y + r), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url  # also makes any rendition still missing
    count = len(queries)
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, count


def main():
    setup_test_environment(debug=False)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        big = Image.objects.create(file=ContentFile(photo(), name="big.jpg"), alt_text="A photo")
        layouts = renditions.make_all(big)
        print(f"one 2400x1600 upload: {layouts} layouts made in {time.perf_counter() - started:.1f} s")

        sections = [Section.objects.create(name=f"Section {i}", order=i) for i in range(4)]
        small = [
            Image.objects.create(file=ContentFile(photo((900, 600), i), name=f"p{i}.jpg"), alt_text=f"Photo {i}")
            for i in range(12)
        ]
        now = timezone.now()
        Article.objects.bulk_create(
            Article(
                headline=f"Pictured story {i}",
                slug=f"pictured-story-{i}",
                dek="A standfirst of ordinary length, as most are.",
                body="<p>Paragraph.</p>" * 10,
                status=Article.Status.PUBLISHED,
                published_at=now - datetime.timedelta(hours=i),
                section=sections[i % len(sections)],
                featured_image=small[i % len(small)],
            )
            for i in range(COUNT)
        )
        client = Client()
        urls = {"home": "/", "section": sections[0].get_absolute_url(), "article": "/articles/pictured-story-0/"}
        pictured = {name: measure(client, url) for name, url in urls.items()}
        Article.objects.update(featured_image=None)
        plain = {name: measure(client, url) for name, url in urls.items()}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"{connection.vendor}: median of {REPEAT} renders, {COUNT} articles, with and without pictures")
    print(f"{'page':<10}{'ms plain':>10}{'ms pictured':>13}{'queries':>12}")
    for name in urls:
        (ms_plain, q_plain), (ms_pic, q_pic) = plain[name], pictured[name]
        print(f"{name:<10}{ms_plain:>10.1f}{ms_pic:>13.1f}{q_plain:>7} / {q_pic}")


if __name__ == "__main__":
    main()
