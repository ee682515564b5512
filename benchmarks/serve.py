"""`make bench`: the public site under load at 1,000 and 100,000 articles, next to static files of the same size.

For each database (SQLite in a temporary directory; PostgreSQL database BENCH_PG_DB, default ``newsroom_bench``,
when a server answers at BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432), this

1. generates 1,000 demo articles, serves them with gunicorn (production settings, 2 sync workers, loopback) and
   measures every page uncached;
2. grows the archive to BENCH_ARTICLES (100,000) and measures every page uncached (page cache off) and cached;
3. measures each page right after a static file of exactly its size, served by the same server (whitenoise), so
   the ratio page/static says how close to a static file the page is, whatever the machine;
4. records the resident memory of a worker after 2,000 mixed requests and the desk's save time of an article
   with inlines.

Load comes from wrk (Debian's package; `make bench` installs it). Results: bench/<date>/report.md, ratios.png,
results.json. Environment: BENCH_ARTICLES, BENCH_SECONDS (per wrk run, default 3), BENCH_PORT (8150),
BENCH_DATABASES (sqlite,postgres).
"""

import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "100000"))
SMALL = 1000
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
PORT = int(os.environ.get("BENCH_PORT", "8150"))
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PG_DB = os.environ.get("BENCH_PG_DB", "newsroom_bench")
PAGES = ["home", "article", "section", "tag", "source", "author", "search rare", "search common", "rss", "sitemap"]


def run(*args, env=None, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, capture_output=True, **kwargs).stdout


def manage(env, *args):
    return run(PYTHON, "manage.py", *args, env=env)


# --- One database --------------------------------------------------------------------------------------


def database_env(kind, tmp):
    env = {**os.environ, "NEWSROOM_ENV": "development", "DJANGO_DEBUG": "0"}
    env.pop("REDIS_URL", None)  # each worker's local-memory cache, as a single server runs
    if kind == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        run("psql", f"{POSTGRES}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{PG_DB}"')
        run("psql", f"{POSTGRES}/postgres", "-qc", f'CREATE DATABASE "{PG_DB}"')
        env["DATABASE_URL"] = f"{POSTGRES}/{PG_DB}"
    return env


def production_env(env, tmp, page_cache):
    return {
        **env,
        "NEWSROOM_ENV": "production",
        "DJANGO_SECRET_KEY": "bench-only-not-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "NEWSROOM_PAGE_CACHE_SECONDS": "600" if page_cache else "0",
        # Each worker's own memory serves as the cache: exact here, since nothing is written during a run.
        "NEWSROOM_DATA_CACHE": "1",
        "NEWSROOM_STATIC_ROOT": str(tmp / "static"),
    }


def urls(env):
    """The URL of each page type: the newest article, and the busiest section, tag, source and author."""
    code = """
import json
from django.db.models import Count
from articles.models import Article, Author, Source, Tag, Section
a = Article.objects.published().first()
busiest = lambda m, r: m.objects.filter(slug__startswith="demo--").annotate(n=Count(r)).order_by("-n").first()
print(json.dumps({
    "home": "/", "article": a.get_absolute_url(), "section": busiest(Section, "articles").get_absolute_url(),
    "tag": busiest(Tag, "tagged_articles").get_absolute_url(),
    "source": busiest(Source, "citations").get_absolute_url(),
    "author": busiest(Author, "bylines").get_absolute_url(),
    "search rare": "/search/?q=quokka", "search common": "/search/?q=ceasefire",
    "rss": "/feeds/rss/", "sitemap": "/sitemap.xml",
}))
"""
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


# A long timeout (a late page of a big archive may be slow), and no worker recycling while measuring:
# gunicorn.conf.py recycles a worker after about 1,000 requests, and a fresh worker would hide the memory that
# 2,000 requests leave behind.
MEASURING = ("--timeout", "300", "--max-requests", "0")


class Server:
    """gunicorn with 2 sync workers on loopback, in its own process group (benchmarks/lighthouse.py uses it too).

    ``args``: more gunicorn options; ``log``: a file for gunicorn's output (default: inherited).
    """

    def __init__(self, env, *, port=PORT, args=(), log=None):
        self.env, self.port, self.args, self.log = env, port, list(args), log

    def __enter__(self):
        self.process = subprocess.Popen(
            [GUNICORN, "newsroom.wsgi", "-w", "2", "-b", f"127.0.0.1:{self.port}", "--log-level", "error", *self.args],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=self.log,
            stderr=subprocess.STDOUT if self.log else None,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/robots.txt", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker stuck in a long request
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def worker_rss_mb(self):
        children = run("ps", "-o", "pid=", "--ppid", str(self.process.pid)).split()
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return max(sizes)


def fetch(path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=300) as response:
            return response.read()
    except urllib.error.HTTPError as error:  # a 404 (a page past the last) is a response like any other
        return error.read()


def drain():
    """Wait until both workers are idle: wrk stops with requests still queued, which would slow the next run."""
    deadline = time.time() + 300
    quick = 0
    while quick < 4 and time.time() < deadline:
        start = time.perf_counter()
        fetch("/robots.txt")
        quick = quick + 1 if time.perf_counter() - start < 0.2 else 0


def wrk(path, seconds=SECONDS):
    """(requests/s, p50 ms, p99 ms) of ``seconds`` (default SECONDS) of 4 connections on one thread."""
    out = run("wrk", "-t1", "-c4", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{PORT}{path}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return rps, percentile(50), percentile(99)


def write_static_twins(tmp, env, pages):
    """A static file of exactly each page's size (collectstatic output + one file per page)."""
    static = tmp / "static"
    if not static.exists():
        manage(production_env(env, tmp, True), "collectstatic", "--noinput", "-v0")
    twins = {}
    with Server(production_env(env, tmp, False), args=MEASURING):
        for name, path in pages.items():
            size = len(fetch(path))
            (static / f"twin-{size}.html").write_bytes(b"x" * size)
            twins[name] = (f"/static/twin-{size}.html", size)
    return twins


def measure(env, tmp, pages, *, cached):
    twins = write_static_twins(tmp, env, pages)
    results = {}
    with Server(production_env(env, tmp, cached), args=MEASURING):
        for name, path in pages.items():
            # Warm both workers first (a second of load reaches each; two requests may reach one only): a
            # worker's first request of a page compiles templates and queries and fills its caches, which
            # would otherwise count in a 3-second run of whichever worker it fell to.
            fetch(path)
            wrk(path, seconds=1)
            drain()
            page = wrk(path)
            drain()
            wrk(twins[name][0], seconds=1)
            drain()
            static = wrk(twins[name][0])
            ratio = page[0] / max(static[0], 0.01)  # wrk reports 0 req/s when no request finished in time
            results[name] = {"page": page, "static": static, "bytes": twins[name][1], "ratio": ratio}
            print(f"  {name:14} {page[0]:8.1f} req/s  static {static[0]:8.1f}  ratio {ratio:.3f}", flush=True)
    return results


def memory_after_requests(env, tmp, pages, count=2000):
    with Server(production_env(env, tmp, True), args=MEASURING) as server:
        paths = [path for name, path in pages.items() if name != "sitemap"]
        fetch(pages["sitemap"])  # twice, once per worker, perhaps: it takes seconds at this size
        fetch(pages["sitemap"])
        for i in range(count - 2):
            # Every article, section, tag... page is new, as on a real day: vary the page number too.
            fetch(paths[i % len(paths)] + ("&" if "?" in paths[i % len(paths)] else "?") + f"page={1 + i // 50 % 5}")
        return server.worker_rss_mb()


def admin_save_ms(env):
    """Median time of saving an article with bylines, citations, tags, notes and a correction in the desk."""
    out = run(PYTHON, str(ROOT / "benchmarks" / "admin_save.py"), env=env)
    return float(out.strip().splitlines()[-1])


def bench_database(kind):
    tmp = Path(tempfile.mkdtemp(prefix=f"newsroom-bench-{kind}-"))
    try:
        env = database_env(kind, tmp)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "generate_demo", "--articles", str(SMALL), "--seed", "1", "-v0")
        pages = urls(env)
        print(f"{kind}: {SMALL} articles, uncached")
        small = measure(env, tmp, pages, cached=False)
        start = time.perf_counter()
        manage(env, "generate_demo", "--articles", str(ARTICLES - SMALL), "--seed", "2", "-v0")
        generate_seconds = time.perf_counter() - start
        pages = urls(env)
        print(f"{kind}: {ARTICLES} articles, uncached")
        large = measure(env, tmp, pages, cached=False)
        print(f"{kind}: {ARTICLES} articles, cached")
        cached = measure(env, tmp, pages, cached=True)
        return {
            "generate_seconds": generate_seconds,
            "small": small,
            "uncached": large,
            "cached": cached,
            "worker_rss_mb": memory_after_requests(env, tmp, pages),
            "admin_save_ms": admin_save_ms(env),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- The report ----------------------------------------------------------------------------------------


def machine():
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")
    python = platform.python_version()
    return f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, Python {python}"


def report(results, out):
    lines = [
        f"# Benchmark {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"Machine: {machine()}. gunicorn 2 sync workers, wrk -t1 -c4 -d{SECONDS}s on loopback, production settings,",
        "local-memory cache per worker. Each page is measured right after a static file of the same size served by",
        "the same server, each after a second of warm-up load; **ratio** = page req/s / static req/s (1.0 = as",
        "fast as a static file).",
        "Uncached = page cache off (NEWSROOM_PAGE_CACHE_SECONDS=0). Growth = uncached time per request at",
        f"{ARTICLES:,} articles / at {SMALL:,}, each relative to its static file (goal <= 2).",
        "",
    ]
    for kind, r in results.items():
        lines += [
            f"## {kind} ({ARTICLES:,} articles, generated in {r['generate_seconds']:.0f} s)",
            "",
            "| page | bytes | uncached req/s | p50 / p99 ms | ratio | cached req/s | p50 / p99 ms | ratio | growth |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name in PAGES:
            u, c, s = r["uncached"][name], r["cached"][name], r["small"][name]
            # Ratios to the static file cancel the machine's changing load between the two runs.
            growth = s["ratio"] / max(u["ratio"], 0.0001)
            lines.append(
                f"| {name} | {u['bytes']:,} | {u['page'][0]:.1f} | {u['page'][1]:.1f} / {u['page'][2]:.1f} | "
                f"{u['ratio']:.3f} | {c['page'][0]:.1f} | {c['page'][1]:.1f} / {c['page'][2]:.1f} | {c['ratio']:.3f} | "
                f"{growth:.2f} |"
            )
        lines += [
            "",
            f"Worker resident memory after 2,000 requests: {r['worker_rss_mb']:.0f} MB. "
            f"Desk save of an article with inlines: {r['admin_save_ms']:.0f} ms (median of 5).",
            "",
        ]
    (out / "report.md").write_text("\n".join(lines))
    (out / "results.json").write_text(json.dumps(results, indent=1))
    plot(results, out / "ratios.png")


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(7 * len(results), 4.5), squeeze=False)
    for ax, (kind, r) in zip(axes[0], results.items(), strict=True):
        x = range(len(PAGES))
        ax.bar([i - 0.2 for i in x], [r["uncached"][p]["ratio"] for p in PAGES], 0.4, label="uncached")
        ax.bar([i + 0.2 for i in x], [r["cached"][p]["ratio"] for p in PAGES], 0.4, label="cached")
        ax.axhline(0.9, color="green", linestyle=":", linewidth=1)
        ax.axhline(0.15, color="red", linestyle=":", linewidth=1)
        ax.set_xticks(list(x), PAGES, rotation=45, ha="right")
        ax.set_title(f"{kind}, {ARTICLES:,} articles: page / static file throughput")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def memory_only(database_url):
    """Step 4 alone (worker memory after 2,000 mixed requests) on an existing database."""
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-memory-"))
    try:
        env = {**os.environ, "NEWSROOM_ENV": "development", "DJANGO_DEBUG": "0", "DATABASE_URL": database_url}
        env.pop("REDIS_URL", None)
        manage(production_env(env, tmp, True), "collectstatic", "--noinput", "-v0")
        print(f"Worker resident memory after 2,000 requests: {memory_after_requests(env, tmp, urls(env)):.0f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--memory":
        memory_only(sys.argv[2])
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--report":  # rewrite a report from its results.json
        results = Path(sys.argv[2])
        report(json.loads(results.read_text()), results.parent)
        return
    kinds = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
    out = ROOT / "bench" / time.strftime("%Y-%m-%d")
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for kind in kinds:
        if kind == "postgres" and subprocess.run(["pg_isready", "-d", POSTGRES], capture_output=True).returncode:
            print(f"PostgreSQL does not answer at {POSTGRES}: skipped")
            continue
        results[kind] = bench_database(kind)
        report(results, out)  # after each database, so a later failure keeps what was measured
    print(f"Report: {out / 'report.md'}")


if __name__ == "__main__":
    main()
