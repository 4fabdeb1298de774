"""Benchmark: the public rating endpoint with filters, under wrk, against a production server.

Target (issue 6): at least 500 requests/s with p99 under 100 ms on this 2-core machine,
with 64 connections, against gunicorn with DEBUG off; conditional requests (304) at least
twice that.

What it does:
1. With --seed: migrates the database named by DATABASE_URL and runs
   `halyq seed --scale national` (the whole generated country, including the published
   rating snapshot). Without it, the database must already hold seeded data.
2. `collectstatic`, then starts gunicorn with the production settings (DEBUG off, a
   random SECRET_KEY and HALYQ_PSEUDONYM_KEY, ALLOWED_HOSTS=127.0.0.1,
   SECURE_SSL_REDIRECT=0). The anonymous rate is raised (HALYQ_API_ANON_RATE) because wrk
   is one client; the throttle still runs on every request.
3. Builds the list of filtered rating URLs (every public region × deputy/reserve, plus
   council levels and the first pages of the whole rating) and checks each answers 200.
4. Warms every worker up, then `wrk -t2 -c64 -d15s --latency` rotating over the URLs:
   once plain, once with each URL's `If-None-Match` (304s).

Usage:
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/halyq_bench_api \\
        .venv/bin/python bench/bench_api_rating.py [--seed] [--workers 4] \\
        [--worker-class gthread] [--threads 4] [--duration 15] [--redis redis://127.0.0.1:6379/5]

Prints the figures and writes them as JSON to --output (default /tmp/bench_api_rating.json).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"


def environment(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "halyq.config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "HALYQ_PSEUDONYM_KEY": secrets.token_hex(20),
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "0",
            "HALYQ_VAR_DIR": args.var_dir,
            "HALYQ_API_ANON_RATE": "10000000/min",
            "HALYQ_LOG_LEVEL": "WARNING",
        }
    )
    if args.redis:
        env["REDIS_URL"] = args.redis
    else:
        env.pop("REDIS_URL", None)
    return env


def halyq(env, *arguments: str) -> None:
    subprocess.run([str(BIN / "halyq"), *arguments], env=env, check=True, cwd=ROOT)


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = get(base + "/api/v1/regions/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within a minute")


def rating_paths(base: str) -> list[str]:
    regions = json.loads(get(base + "/api/v1/regions/")[2])
    levels = json.loads(get(base + "/api/v1/council-levels/")[2])
    candidates = ["/api/v1/ratings/", "/api/v1/ratings/?page=2", "/api/v1/ratings/?sort=score"]
    for region in regions:
        for kind in ("deputy", "reserve"):
            candidates.append(f"/api/v1/ratings/?region={region['code']}&kind={kind}")
    for level in levels:
        candidates.append(f"/api/v1/ratings/?council_level={level['code']}&sort=score")
    paths = []
    for path in candidates:
        status, _headers, body = get(base + path)
        if status == 200 and json.loads(body)["results"]:
            paths.append(path)
    if not paths:
        raise SystemExit("no rating answers: is a public snapshot published?")
    return paths


LUA = """
paths = {%(paths)s}
tags = {%(tags)s}
counter = 0
request = function()
  counter = counter + 1
  local index = (counter %% #paths) + 1
  local headers = {}
  if tags[index] ~= "" then headers["If-None-Match"] = tags[index] end
  return wrk.format("GET", paths[index], headers)
end
"""


def wrk(base: str, paths: list[str], tags: list[str], *, duration: int, connections: int) -> dict:
    script = Path("/tmp/bench_api_rating.lua")
    script.write_text(
        LUA
        % {
            "paths": ", ".join(json.dumps(p) for p in paths),
            "tags": ", ".join(json.dumps(t) for t in tags),
        }
    )
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {"raw": output}
    figures["requests_per_second"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    for percentile in ("50", "75", "90", "99"):
        match = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        figures[f"p{percentile}_ms"] = (
            value / 1000 if unit == "us" else value * (1000 if unit == "s" else 1)
        )
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    figures["non_2xx_3xx"] = int(errors.group(1)) if errors else 0
    socket_errors = re.search(r"Socket errors: (.*)", output)
    figures["socket_errors"] = socket_errors.group(1) if socket_errors else ""
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="migrate and seed the national data")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=8911)
    parser.add_argument("--redis", default="", help="REDIS_URL for the cache (default: memory)")
    parser.add_argument("--var-dir", default="/tmp/api-bench-var")
    parser.add_argument("--output", default="/tmp/bench_api_rating.json")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a scratch PostgreSQL database.")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    env = environment(args)
    if args.seed:
        halyq(env, "migrate", "--no-input", "-v", "0")
        halyq(env, "seed", "--scale", "national")
    halyq(env, "collectstatic", "--no-input", "-v", "0")
    if args.redis:
        subprocess.run(["redis-cli", "-u", args.redis, "flushdb"], check=True, capture_output=True)

    command = [
        str(BIN / "gunicorn"),
        "halyq.config.wsgi:application",
        "--bind",
        f"{HOST}:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--log-level",
        "warning",
        "--backlog",
        "2048",
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    base = f"http://{HOST}:{args.port}"
    try:
        wait_until_up(base)
        paths = rating_paths(base)
        tags = [get(base + path)[1]["ETag"] for path in paths]
        # Every worker fills its own cache (with the memory cache) before measuring.
        wrk(base, paths, [""] * len(paths), duration=3, connections=args.connections)
        plain = wrk(
            base, paths, [""] * len(paths), duration=args.duration, connections=args.connections
        )
        conditional = wrk(base, paths, tags, duration=args.duration, connections=args.connections)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    result = {
        "server": f"gunicorn {args.workers} × {args.worker_class}"
        + (f" ({args.threads} threads)" if args.worker_class == "gthread" else ""),
        "cache": "redis" if args.redis else "per-process memory",
        "urls": len(paths),
        "plain": {k: v for k, v in plain.items() if k != "raw"},
        "if_none_match": {k: v for k, v in conditional.items() if k != "raw"},
    }
    Path(args.output).write_text(json.dumps(result, indent=2))
    print(plain["raw"])
    print(conditional["raw"])
    print(json.dumps(result, indent=2))
    met = (
        plain["requests_per_second"] >= 500
        and plain["p99_ms"] < 100
        and conditional["requests_per_second"] >= 2 * plain["requests_per_second"]
        and plain["non_2xx_3xx"] == 0
        and conditional["non_2xx_3xx"] == 0
    )
    print("target met" if met else "target NOT met")
    sys.exit(0)


if __name__ == "__main__":
    main()
