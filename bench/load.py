"""Load generator: `python -m bench.load http://127.0.0.1:PORT/path --duration 10 --concurrency 8`.

Runs in its own process (started by bench/__main__.py), so the client's work never shares a GIL with
the bench driver. Each thread owns one keep-alive HTTP/1.1 connection (http.client reconnects by
itself when the server closes it, as gunicorn's sync workers do after every response). Requests
completing during the warm-up are not recorded. Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

# Roughly what a browser sends; the locale changes which catalogue renders the page.
HEADERS = {"Accept": "text/html", "Accept-Language": "de-DE,de;q=0.9,en;q=0.8", "User-Agent": "alumni-bench"}
# A logged-in load sends this Cookie header with every request (from the environment, not the command line, so
# the session is not shown in the process list); the bench server marks page-cache hits in CACHE_HEADER.
COOKIE_ENV = "BENCH_LOAD_COOKIE"
CACHE_HEADER = "X-Bench-Page-Cache"


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not ordered:
        return float("nan")
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


class Run:
    def __init__(self, url: str, duration: float, warmup: float, max_requests: int):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.began = time.perf_counter()
        self.measure_from = self.began + warmup
        self.stop_at = self.measure_from + duration
        self.budget = itertools.count()  # next() is atomic under the GIL: a lock-free request counter
        self.max_requests = max_requests
        self.headers = dict(HEADERS, **({"Cookie": os.environ[COOKIE_ENV]} if os.environ.get(COOKIE_ENV) else {}))
        self.cache: Counter = Counter()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.closed_by_server = 0
        self.bytes = 0
        self.last_done = self.measure_from
        self.hit_bound = False

    def worker(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        latencies, statuses, closed, received, last_done, cache = [], Counter(), 0, 0, 0.0, Counter()
        while time.perf_counter() < self.stop_at:
            if next(self.budget) >= self.max_requests:
                self.hit_bound = True
                break
            start = time.perf_counter()
            try:
                conn.request("GET", self.path, headers=self.headers)
                response = conn.getresponse()
                body = response.read()
                cached = response.getheader(CACHE_HEADER) or "none"
                status: int | str = response.status
                closed += response.will_close
            except (OSError, http.client.HTTPException) as error:
                status, body, cached = type(error).__name__, b"", "none"
                conn.close()  # the next request() opens a fresh connection
            done = time.perf_counter()
            # Counted by completion inside the window, as wrk does: a slow page started during the
            # warm-up still occupies the server inside the window, and so it counts there.
            if self.measure_from <= done <= self.stop_at:
                latencies.append(done - start)
                statuses[status] += 1
                received += len(body)
                cache[cached] += 1
                last_done = max(last_done, done)
        conn.close()
        with self.lock:  # merge once per thread, not per request
            self.latencies += latencies
            self.statuses.update(statuses)
            self.closed_by_server += closed
            self.bytes += received
            self.cache.update(cache)
            self.last_done = max(self.last_done, last_done)

    def run(self, concurrency: int) -> dict:
        threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self.summary(concurrency)

    def summary(self, concurrency: int) -> dict:
        ordered = sorted(self.latencies)
        count = len(ordered)
        # The window is the full duration unless the request bound cut it short.
        window = max((self.last_done if self.hit_bound else self.stop_at) - self.measure_from, 1e-9)
        errors = sum(n for status, n in self.statuses.items() if status != 200)
        return {
            "path": self.path, "concurrency": concurrency, "requests": count, "seconds": round(window, 3),
            "rps": round(count / window, 1) if count else 0.0,
            "p50_ms": round(percentile(ordered, 0.50) * 1000, 2) if count else None,
            "p90_ms": round(percentile(ordered, 0.90) * 1000, 2) if count else None,
            "p99_ms": round(percentile(ordered, 0.99) * 1000, 2) if count else None,
            "max_ms": round(ordered[-1] * 1000, 2) if count else None,
            "mean_ms": round(sum(ordered) / count * 1000, 2) if count else None,
            "errors": errors, "statuses": {str(k): v for k, v in self.statuses.items()},
            "bytes_per_response": round(self.bytes / count) if count else 0,
            "server_closed_connections": self.closed_by_server,
            "hit_request_bound": self.hit_bound,
            # The anonymous page cache, as the bench server reports it: hit, miss, or none (not asked: logged in).
            "page_cache": dict(self.cache),
        }


def measure(url: str, *, duration: float, warmup: float, concurrency: int, max_requests: int,
            cookie: str | None = None) -> dict:
    """Run this module as the client process against `url` (what the suites call); its JSON summary.
    `cookie`: a Cookie header sent with every request (a logged-in person)."""
    from bench.serving import ROOT

    command = [sys.executable, "-m", "bench.load", url, "--duration", str(duration), "--warmup", str(warmup),
               "--concurrency", str(concurrency), "--max-requests", str(max_requests)]
    env = {key: value for key, value in os.environ.items() if key != COOKIE_ENV}
    if cookie:
        env[COOKIE_ENV] = cookie
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True, env=env,
                          timeout=duration + warmup + 120)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unrecorded load first")
    parser.add_argument("--concurrency", type=int, default=8, help="threads, one connection each")
    parser.add_argument("--max-requests", type=int, default=100_000,
                        help="stop early after this many requests (warm-up included)")
    args = parser.parse_args()
    run = Run(args.url, args.duration, args.warmup, args.max_requests)
    print(json.dumps(run.run(args.concurrency)))


if __name__ == "__main__":
    main()
