"""`make lighthouse`: Lighthouse scores of the home and an article page, served as production serves them.

This

1. builds a throwaway site in a temporary directory: SQLite database, media folder and collected static files
   (or the database at LIGHTHOUSE_DATABASE_URL, emptied first); `generate_demo` articles, then a library picture
   (a 2400 x 1600 JPEG with a photo's detail) on every published story the home page shows and on the article
   measured, with every rendition made beforehand (`make_renditions`), as the desk's upload does;
2. serves it with gunicorn (production settings: DEBUG off, whitenoise static files, Redis cache so pages are
   cached and compressed, 2 sync workers, loopback, NEWSROOM_SITE_URL the served address, so canonical links
   point where Lighthouse is);
3. runs Lighthouse (npm devDependency, node_modules/.bin/lighthouse) with Debian's Chromium, default mobile
   emulation (form factor mobile, simulated throttling), categories performance, accessibility,
   best-practices and seo, LIGHTHOUSE_RUNS times (default 3) on each page;
4. writes bench/lighthouse/<date>.md: the score (0-100) per run, page and category, every audit below a full
   score, the machine and versions. The JSON reports go to bench/lighthouse/json/ (not in git).

Environment: LIGHTHOUSE_RUNS (3), LIGHTHOUSE_PORT (8400), LIGHTHOUSE_ARTICLES (demo articles, 60),
CHROME_PATH (/usr/bin/chromium), LIGHTHOUSE_DATABASE_URL (default: SQLite in the temporary directory),
LIGHTHOUSE_REDIS_URL (the cache, as production's REDIS_URL; default redis://127.0.0.1:6379/7, flushed first).
"""

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from serve import Server  # benchmarks/ is this script's first import path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
PORT = int(os.environ.get("LIGHTHOUSE_PORT", "8400"))
ARTICLES = int(os.environ.get("LIGHTHOUSE_ARTICLES", "60"))
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
REDIS = os.environ.get("LIGHTHOUSE_REDIS_URL", "redis://127.0.0.1:6379/7")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The performance metrics behind the score (Lighthouse's simulated values on a throttled phone).
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
OUT = ROOT / "bench" / "lighthouse"

# Run inside `manage.py shell`: a picture for every story the home page shows, and for the article measured.
PICTURES = """
import io, json, random
from django.core.files.base import ContentFile
from PIL import Image as PILImage, ImageDraw
from articles.models import Article
from images.models import Image

def photo(seed, size=(2400, 1600)):
    # A JPEG with enough detail that encoders work as hard as on a real photo (as benchmarks/pictures.py).
    rng = random.Random(seed)
    image = PILImage.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(300):
        x, y, r = rng.randrange(size[0]), rng.randrange(size[1]), rng.randrange(10, 200)
        draw.ellipse((x, y, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()

stories = list(Article.objects.published().order_by("-published_at")[:PICTURED])
for i, article in enumerate(stories):
    article.featured_image = Image.objects.create(
        file=ContentFile(photo(i), name=f"demo-{i}.jpg"), alt_text=f"Demo photo {i}: coloured circles",
        caption=f"Demo picture {i}", credit="Newsroom demo",
    )
Article.objects.bulk_update(stories, ["featured_image"])
print(json.dumps({"article": stories[0].get_absolute_url()}))
"""


def run(*args, env=None, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, capture_output=True, **kwargs).stdout


def manage(env, *args):
    return run(PYTHON, "manage.py", *args, env=env)


def site_env(tmp):
    """Production settings on loopback, as benchmarks/serve.py's production_env, with its own media folder."""
    env = {
        **os.environ,
        "NEWSROOM_ENV": "production",
        "DJANGO_SECRET_KEY": "lighthouse-only-not-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "NEWSROOM_SITE_URL": f"http://127.0.0.1:{PORT}",
        "NEWSROOM_STATIC_ROOT": str(tmp / "static"),
        "NEWSROOM_MEDIA_ROOT": str(tmp / "media"),
        "NEWSROOM_STORAGE": "local",
        "NEWSROOM_LOG_FORMAT": "text",
        "NEWSROOM_REQUEST_LOG": "0",
        "DATABASE_URL": os.environ.get("LIGHTHOUSE_DATABASE_URL") or f"sqlite:///{tmp}/lighthouse.sqlite3",
        # Production's shared cache (README, "Deploy"): pages cached and sent compressed.
        "REDIS_URL": REDIS,
    }
    return env


def build_site(env):
    """Migrate, add demo articles and pictured stories, make renditions, collect static files: {page: path}."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_demo", "--articles", str(ARTICLES), "--seed", "1", "--delete", "-v0")
    # The lead, 4 featured stories, 3 per section block (8 sections) and the first page of the rest: all pictured.
    out = manage(env, "shell", "-c", PICTURES.replace("PICTURED", "50"))
    article = json.loads(out.strip().splitlines()[-1])["article"]
    manage(env, "make_renditions", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    return {"home": "/", "article": article}


def lighthouse(url, report):
    """One Lighthouse run on ``url`` (mobile emulation, simulated throttling); the JSON report at ``report``."""
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox",
        ],
        cwd=ROOT,
        env={**os.environ, "CHROME_PATH": CHROME},
        check=True,
    )
    return json.loads(report.read_text())


def summary(result):
    """{category: score 0-100, metric: its display value}, and [(category, audit id, title, score, displayValue)]
    of the scored audits below 1."""
    scores = {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES}
    scores |= {short: result["audits"][audit].get("displayValue", "") for audit, short in METRICS.items()}
    failing = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit["score"] is not None and audit["score"] < 1:
                failing.append((category, ref["id"], audit["title"], audit["score"], audit.get("displayValue", "")))
    return scores, failing


def machine():
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")
    load = os.getloadavg()[0]
    return (
        f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, Python "
        f"{platform.python_version()}, load average {load:.2f} at the start"
    )


def versions(result):
    chrome = run(CHROME, "--version").strip().splitlines()[-1]
    node = run("node", "--version").strip()
    return f"Lighthouse {result['lighthouseVersion']}, {chrome}, Node {node}"


def report(runs, pages, started, version_line, machine_line):
    lines = [
        f"# Lighthouse {time.strftime('%Y-%m-%d %H:%M UTC', started)}",
        "",
        f"`make lighthouse` (benchmarks/lighthouse.py). {machine_line}. {version_line}.",
        "Default mobile emulation (form factor mobile, simulated throttling), headless Chromium; the site served",
        "by gunicorn (2 sync workers, production settings, whitenoise, Redis page cache) on loopback,",
        f"{ARTICLES} demo articles, the stories on the home page and the article with a 2400 x 1600 library picture",
        "and all renditions made. FCP, LCP, SI in seconds, TBT in ms: Lighthouse's simulated values on a slow phone.",
        "",
        f"| run | page | path | performance | accessibility | best practices | SEO | {' | '.join(METRICS.values())} |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: |" + " ---: |" * len(METRICS),
    ]
    for number, page, scores, _ in runs:
        cells = " | ".join(str(scores[c]) for c in [*CATEGORIES, *METRICS.values()])
        lines.append(f"| {number} | {page} | `{pages[page]}` | {cells} |")
    failing = sorted({(page, *f[:3]): f for _, page, _, fails in runs for f in fails}.items())
    lines += ["", "## Audits below a full score", ""]
    if failing:
        lines += [
            "| page | category | audit | title | score (last run) | value |",
            "| --- | --- | --- | --- | ---: | --- |",
        ]
        for (page, category, audit, title), f in failing:
            lines.append(f"| {page} | {category} | `{audit}` | {title} | {f[3]:.2f} | {f[4]} |")
    else:
        lines.append("None: every scored audit passed in every run.")
    path = OUT / f"{time.strftime('%Y-%m-%d', started)}.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def main():
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci` (make lighthouse does).")
    started = time.gmtime()
    machine_line = machine()
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-lighthouse-"))
    (OUT / "json").mkdir(parents=True, exist_ok=True)
    runs = []
    try:
        env = site_env(tmp)
        if os.environ.get("LIGHTHOUSE_DATABASE_URL"):
            manage(env, "flush", "--noinput", "-v0")
        run("redis-cli", "-u", REDIS, "flushdb")
        pages = build_site(env)
        with (tmp / "gunicorn.log").open("w") as log, Server(env, port=PORT, log=log):
            for path in pages.values():  # warm both workers
                for _ in range(4):
                    urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60).read()
            for number in range(1, RUNS + 1):
                for page, path in pages.items():
                    name = f"{time.strftime('%Y-%m-%d', started)}-{page}-{number}.json"
                    result = lighthouse(f"http://127.0.0.1:{PORT}{path}", OUT / "json" / name)
                    scores, failing = summary(result)
                    runs.append((number, page, scores, failing))
                    shown = [*CATEGORIES, *METRICS.values()]
                    print(f"run {number} {page:8} " + "  ".join(f"{c} {scores[c]}" for c in shown), flush=True)
                    for f in failing:
                        print(f"    {f[0]}: {f[1]} ({f[3]:.2f}) {f[4]}", flush=True)
        path = report(runs, pages, started, versions(result), machine_line)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"Report: {path.relative_to(ROOT)}")
    if any(scores[c] < 100 for _, _, scores, _ in runs for c in CATEGORIES):
        sys.exit(1)


if __name__ == "__main__":
    main()
