"""Query latency at a stored size: the four coordinator filters and paging with ``more``.

Each query kind is sent about 200 times, one at a time over one keep-alive
connection, with its parameter rotating over values that exist in the loaded
corpus (the learners, courses and registrations of 200 registrations spread over
the store; 4 verbs x 5 moments for since).
Latency is client-side: from sending the request to having read the whole
body. Answers are checked against what the corpus says they must hold, so a
fast wrong answer does not pass unnoticed.

The same filters are timed as plain SQL on the raw tables (`bench.raw`).
"""

from __future__ import annotations

import http.client
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import orjson

from bench.load import latency_summary_ms
from bench.raw import RawStore
from bench.statements import STATEMENTS_PER_REGISTRATION, Corpus, verb_iri

KINDS = ("agent", "verb_since", "activity_related", "registration")
KIND_TITLES = {
    "agent": "by agent",
    "verb_since": "by verb + since",
    "activity_related": "by activity, related_activities",
    "registration": "by registration",
}
SINCE_VERBS = ("completed", "passed", "answered", "experienced")


class Client:
    """One keep-alive HTTP connection to the LRS, with the benchmark's credential."""

    def __init__(self, host: str, port: int, authorization: str):
        self.host, self.port = host, port
        self.headers = {"Authorization": authorization, "X-Experience-API-Version": "1.0.3"}
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.reconnects = 0

    def get(self, path: str) -> tuple[int, bytes, float]:
        """GET ``path``; (status, body, seconds from sending to the whole body read).

        gunicorn closes a keep-alive connection idle for 2 s; a request sent on it as it
        closes fails before the server saw it. That one case is retried once on a new
        connection (and counted in ``reconnects``), as any HTTP client library does.
        """
        for attempt in (1, 2):
            t0 = time.perf_counter()
            try:
                self.conn.request("GET", path, headers=self.headers)
                resp = self.conn.getresponse()
                body = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    raise
                self.reconnects += 1
                continue
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                raise
            return resp.status, body, time.perf_counter() - t0
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


@dataclass
class Target:
    """One query: its LRS path, its raw-SQL twin and what its answer must hold."""

    path: str
    raw_kind: int
    raw_key: str
    raw_since_us: int | None = None
    raw_direct_only: bool = False
    variant: str = ""
    """A label to break the latencies down by (the verb, for verb + since)."""
    expected: int | None = None
    """Exact number of statements the page must hold, where the corpus says."""


@dataclass
class Plan:
    size: int
    limit: int
    targets: dict[str, list[Target]] = field(default_factory=dict)


def _agent_param(mbox: str) -> str:
    return quote(json.dumps({"mbox": mbox}, separators=(",", ":")), safe="")


def _minus_1ms(timestamp: str) -> str:
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00")) - timedelta(milliseconds=1)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def plan(corpus: Corpus, size: int, *, repeat: int, limit: int, client: Client,
         raw: RawStore | None) -> Plan:
    """Query targets among the first ``size`` statements (all of which are stored)."""
    regs = corpus.registrations_in(size)
    per_learner: Counter[int] = Counter(corpus.learner_of(r) for r in range(regs))
    per_course: Counter[int] = Counter(corpus.course_of(r) for r in range(regs))
    sample = corpus.sample_registrations(size, repeat)
    p = Plan(size, limit)

    agents = []
    for r in sample:
        learner = corpus.learner_of(r)
        mbox = corpus.learner_agent(learner)["mbox"]
        agents.append(Target(f"/xapi/statements?agent={_agent_param(mbox)}&limit={limit}", 1,
                             "mbox:" + mbox, raw_direct_only=True,
                             expected=min(limit, per_learner[learner] * STATEMENTS_PER_REGISTRATION)))
    p.targets["agent"] = agents

    # since: just before the `stored` of statements at 50..90 % of the size, read back over
    # HTTP. A batch shares one `stored`, and parallel loaders commit batches in any order,
    # so 1 ms earlier makes sure the anchor's own batch (hence some of each verb) matches.
    moments = []
    for frac in (0.5, 0.6, 0.7, 0.8, 0.9):
        sid = corpus.statement_id(int(size * frac))
        status, body, _ = client.get(f"/xapi/statements?statementId={sid}")
        if status != 200:
            raise RuntimeError(f"GET statementId={sid} answered {status}: {body[:300]!r}")
        stored = _minus_1ms(orjson.loads(body)["stored"])
        raw_since = raw.stored_us_of(sid) if raw is not None else None
        moments.append((stored, None if raw_since is None else raw_since - 1000))
    verb_since = []
    for j in range(repeat):
        verb = SINCE_VERBS[j % len(SINCE_VERBS)]
        stored, raw_since = moments[(j // len(SINCE_VERBS)) % len(moments)]
        verb_since.append(Target(
            f"/xapi/statements?{urlencode({'verb': verb_iri(verb), 'since': stored, 'limit': limit})}",
            3, verb_iri(verb), raw_since_us=raw_since, variant=verb))
    p.targets["verb_since"] = verb_since

    activities = []
    for r in sample:
        c = corpus.course_of(r)
        iri = corpus.course_iri(c)
        activities.append(Target(
            f"/xapi/statements?{urlencode({'activity': iri, 'related_activities': 'true', 'limit': limit})}",
            4, iri, expected=min(limit, per_course[c] * STATEMENTS_PER_REGISTRATION)))
    p.targets["activity_related"] = activities

    p.targets["registration"] = [
        Target(f"/xapi/statements?registration={corpus.registration(r)}&limit={limit}", 6,
               corpus.registration(r), expected=min(limit, STATEMENTS_PER_REGISTRATION))
        for r in sample
    ]
    return p


def run_kind(client: Client, targets: list[Target], *, warmup: int = 5) -> dict[str, Any]:
    for t in targets[:warmup]:
        client.get(t.path)
    latencies, sizes, returned = [], [], []
    by_variant: dict[str, list[float]] = {}
    status: Counter[str] = Counter()
    wrong: list[str] = []
    for t in targets:
        code, body, seconds = client.get(t.path)
        status[str(code)] += 1
        if code != 200:
            if len(wrong) < 3:
                wrong.append(f"{t.path[:160]} -> HTTP {code}: {body[:200].decode(errors='replace')}")
            continue
        latencies.append(seconds)
        if t.variant:
            by_variant.setdefault(t.variant, []).append(seconds)
        sizes.append(len(body))
        n = len(orjson.loads(body)["statements"])
        returned.append(n)
        if (t.expected is not None and n != t.expected) or (t.expected is None and n == 0):
            if len(wrong) < 3:
                wrong.append(f"{t.path[:160]} -> {n} statements, expected "
                             f"{t.expected if t.expected is not None else 'some'}")
    return {
        "requests": len(targets),
        "status": dict(status),
        "latency_ms": latency_summary_ms(latencies),
        "mean_statements": round(sum(returned) / len(returned), 1) if returned else 0,
        "mean_response_kb": round(sum(sizes) / len(sizes) / 1024, 1) if sizes else 0,
        "wrong_answers": wrong,
        **({"by_variant": {k: latency_summary_ms(v) for k, v in by_variant.items()}} if by_variant else {}),
    }


def run_raw_kind(raw: RawStore, targets: list[Target], limit: int) -> dict[str, Any]:
    calls: list[Callable[[], Any]] = [
        (lambda t=t: raw.keyed_query(t.raw_kind, t.raw_key, limit, t.raw_since_us, t.raw_direct_only)) for t in targets
    ]
    for call in calls[:5]:
        call()
    return {"latency_ms": latency_summary_ms(raw.time_queries(calls))}


# --- paging --------------------------------------------------------------------------


def walk(client: Client, first_path: str, *, results: int) -> dict[str, Any]:
    """Follow ``more`` from ``first_path`` until ``results`` statements or the end."""
    path: str | None = first_path
    latencies: list[float] = []
    seen: set[str] = set()
    duplicates = 0
    total = 0
    error = ""
    while path and total < results:
        code, body, seconds = client.get(path)
        if code != 200:
            error = f"page {len(latencies) + 1}: HTTP {code}: {body[:200].decode(errors='replace')}"
            break
        latencies.append(seconds)
        doc = orjson.loads(body)
        for s in doc["statements"]:
            if s["id"] in seen:
                duplicates += 1
            seen.add(s["id"])
        total += len(doc["statements"])
        path = doc.get("more") or None
    return {"latencies": latencies, "statements": total, "duplicates": duplicates, "error": error}


def paging(client: Client, first_path: str, *, results: int, walks: int, edge: int = 10) -> dict[str, Any]:
    """Per-page latency at the first ``edge`` pages vs the last ``edge`` pages, over ``walks`` walks."""
    firsts: list[float] = []
    lasts: list[float] = []
    pages, statements, duplicates, errors = 0, 0, 0, []
    for _ in range(walks):
        w = walk(client, first_path, results=results)
        lat = w["latencies"]
        e = max(1, min(edge, len(lat) // 3))
        firsts += lat[:e]
        lasts += lat[-e:] if len(lat) > e else []
        pages, statements = len(lat), w["statements"]
        duplicates += w["duplicates"]
        if w["error"]:
            errors.append(w["error"])
    first = latency_summary_ms(firsts)
    last = latency_summary_ms(lasts)
    ratio = (round(last["p50"] / first["p50"], 2)
             if last["p50"] is not None and first["p50"] else None)
    return {
        "path": first_path, "walks": walks, "pages": pages, "statements": statements,
        "duplicates": duplicates, "errors": errors,
        "first_pages_ms": first, "last_pages_ms": last, "last_over_first_p50": ratio,
    }


def raw_paging(raw: RawStore, *, results: int, limit: int, walks: int, edge: int = 10) -> dict[str, Any]:
    firsts: list[float] = []
    lasts: list[float] = []
    for _ in range(walks):
        before, total, lat = 1 << 62, 0, []
        while total < results:
            t0 = time.perf_counter()
            n, last = raw.page(before, limit)
            lat.append(time.perf_counter() - t0)
            total += n
            if n < limit or last is None:
                break
            before = last
        e = max(1, min(edge, len(lat) // 3))
        firsts += lat[:e]
        lasts += lat[-e:] if len(lat) > e else []
    first = latency_summary_ms(firsts)
    last = latency_summary_ms(lasts)
    return {"first_pages_ms": first, "last_pages_ms": last}
