"""Client process of the sign-up storm: `python -m bench.storm_client < spec.json`.

The spec (JSON on stdin): base_url, event_id, cookie_name, user_agent, and one logged-in session
cookie per person. Two phases, both from this process:

1. Prepare, a few connections at a time: each person opens the event page with their session, as a
   browser would, and keeps what the page gives them: the sign-up form's CSRF token and the session
   cookie that now holds its secret. A page without the sign-up form is a preparation error.
2. The storm: one thread per person, each with a connection of its own, waits at a barrier; when all
   are ready the barrier opens and every thread connects and POSTs /events/<id>/signup at once.
   Latency is measured per request from the barrier's opening in that thread (connect included).
   A sign-up is successful when answered 302 to the event page (the view's success redirect; its
   error path answers 303, a missing login 302 to /auth/login, a bad token 400).

Prints one JSON object on stdout.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.load import percentile

PREPARE_CONCURRENCY = 8
TIMEOUT = 120


class Person:
    def __init__(self, index: int, cookie: str):
        self.index = index
        self.cookie = cookie
        self.token = ""
        self.prepare_error = ""
        self.started = self.sent = self.done = 0.0
        self.status: int | str = 0
        self.location = ""


def _session_from(response, name: str, current: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie()
        jar.load(header)
        if name in jar:
            return jar[name].value
    return current


def prepare(person: Person, spec: dict, host: str, port: int) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        conn.request("GET", f"/events/{spec['event_id']}", headers={
            "Cookie": f"{spec['cookie_name']}={person.cookie}", "User-Agent": spec["user_agent"],
            "Accept": "text/html", "Accept-Language": "en"})
        response = conn.getresponse()
        body = response.read().decode()
        person.cookie = _session_from(response, spec["cookie_name"], person.cookie)
        action = f'action="/events/{spec["event_id"]}/signup"'
        form = re.search(re.escape(action) + r'[^>]*>\s*<input id="csrf_token" name="csrf_token" '
                         r'type="hidden" value="([^"]+)"', body)
        if response.status != 200 or form is None:
            person.prepare_error = f"{response.status}: no sign-up form on the event page"
        else:
            person.token = form.group(1)
    except (OSError, http.client.HTTPException) as error:
        person.prepare_error = type(error).__name__
    finally:
        conn.close()


def sign_up(person: Person, spec: dict, host: str, port: int, barrier: threading.Barrier) -> None:
    body = urlencode({"csrf_token": person.token, "guests": "0", "note": ""})
    headers = {"Cookie": f"{spec['cookie_name']}={person.cookie}", "User-Agent": spec["user_agent"],
               "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html",
               "Accept-Language": "en", "Origin": spec["base_url"], "Referer": f"{spec['base_url']}/events/"}
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    barrier.wait()
    person.started = time.perf_counter()
    try:
        conn.request("POST", f"/events/{spec['event_id']}/signup", body=body, headers=headers)
        person.sent = time.perf_counter()
        response = conn.getresponse()
        response.read()
        person.status, person.location = response.status, response.getheader("Location") or ""
    except (OSError, http.client.HTTPException) as error:
        person.status = type(error).__name__
    person.done = time.perf_counter()
    conn.close()


def _cpu_sample() -> tuple[int, int] | None:
    """(total, idle + iowait) jiffies of all CPUs from /proc/stat (Linux)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(fields), fields[3] + fields[4]


def _cpu_busy(before, after) -> float | None:
    if before is None or after is None or after[0] == before[0]:
        return None
    return round(100 * (1 - (after[1] - before[1]) / (after[0] - before[0])), 1)


def main() -> None:
    spec = json.load(sys.stdin)
    parts = urlsplit(spec["base_url"])
    host, port = parts.hostname, parts.port
    people = [Person(i, cookie) for i, cookie in enumerate(spec["cookies"])]

    began = time.perf_counter()
    with ThreadPoolExecutor(PREPARE_CONCURRENCY) as pool:
        list(pool.map(lambda p: prepare(p, spec, host, port), people))
    prepare_seconds = time.perf_counter() - began
    prepare_errors = Counter(p.prepare_error for p in people if p.prepare_error)

    threading.stack_size(512 * 1024)  # hundreds of threads: small stacks
    barrier = threading.Barrier(len(people) + 1)
    threads = [threading.Thread(target=sign_up, args=(p, spec, host, port, barrier), daemon=True) for p in people]
    for thread in threads:
        thread.start()
    cpu_before = _cpu_sample()
    barrier.wait()  # every thread is at the barrier: release them all
    released = time.perf_counter()
    for thread in threads:
        thread.join()
    cpu_busy = _cpu_busy(cpu_before, _cpu_sample())

    success_location = f"/events/{spec['event_id']}#signup"
    ok = [p for p in people if p.status == 302 and p.location.endswith(success_location)]
    statuses = Counter(f"{p.status} {urlsplit(p.location).path}".strip() if p.location else str(p.status)
                       for p in people)
    latencies = sorted(p.done - p.started for p in people)
    last_done = max(p.done for p in people)
    window = last_done - released
    print(json.dumps({
        "clients": len(people), "prepare_seconds": round(prepare_seconds, 2),
        "prepare_errors": dict(prepare_errors),
        # How quickly the barrier let everyone go: the last request written vs the barrier opening.
        "release_spread_ms": round((max(p.sent or p.done for p in people) - released) * 1000, 1),
        "seconds": round(window, 3), "rps": round(len(people) / window, 1),
        "ok": len(ok), "errors": len(people) - len(ok), "statuses": dict(statuses),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p90_ms": round(percentile(latencies, 0.90) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1), "min_ms": round(latencies[0] * 1000, 1),
        # All CPUs, all processes (client, gunicorn, database, mail sink) during the storm: ~100 % means the
        # machine's CPUs, not the event lock, set the pace.
        "cpu_busy_during_pct": cpu_busy,
    }))


if __name__ == "__main__":
    main()
