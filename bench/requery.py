"""Time the harness's statement queries against an LRS that is already loaded.

`python -m bench run` loads a new store before every query phase, which at 1M takes
about ten minutes. To compare two versions of the query code on one store, load it once
(`python -m bench.load populate ...`), then run this against each server in turn, with
and without planner statistics. The queries, their answers and their checks are those of
`bench.queries`: the same plan for the same seed and size.

    python -m bench.requery --url http://127.0.0.1:18500 --authorization "Basic ..." \\
        --size 1M --out bench/results/requery-....json
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bench import queries
from bench.statements import Corpus, parse_sizes

PAGED = ("/xapi/statements?limit=100",
         "/xapi/statements?verb=http://adlnet.gov/expapi/verbs/experienced&limit=100")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.requery", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True, help="the LRS, e.g. http://127.0.0.1:18500")
    ap.add_argument("--authorization", required=True, help="the Authorization header to send")
    ap.add_argument("--size", required=True, help="statements loaded (corpus 0..size), e.g. 1M")
    ap.add_argument("--seed", type=int, default=Corpus.seed)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--label", default="", help="what this run measures, kept in the JSON")
    ap.add_argument("--out", default="")
    ns = ap.parse_args(argv)
    where = urlsplit(ns.url)
    if not where.hostname or not where.port:
        print("--url needs a host and a port", file=sys.stderr)
        return 2
    client = queries.Client(where.hostname, where.port, ns.authorization)
    size = max(parse_sizes(ns.size))
    plan = queries.plan(Corpus(seed=ns.seed), size, repeat=ns.queries, limit=ns.limit, client=client, raw=None)
    result: dict[str, Any] = {"command": " ".join(["python -m bench.requery", *(argv or sys.argv[1:])]),
                              "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                              "label": ns.label, "size": size, "queries": {}}
    for kind, targets in plan.targets.items():
        found = queries.run_kind(client, targets)
        result["queries"][kind] = found
        variants = {k: v["p99"] for k, v in found.get("by_variant", {}).items()}
        latency = found["latency_ms"]
        print(f"{kind:18} p50 {latency['p50']} p99 {latency['p99']} ms, status {found['status']}"
              f"{'  p99 by variant ' + str(variants) if variants else ''}"
              f"{'  WRONG ' + found['wrong_answers'][0] if found['wrong_answers'] else ''}")
    for name, path in zip(("paging_all", "paging_verb"), PAGED, strict=True):
        walked = queries.paging(client, path, results=10_000, walks=2)
        result["queries"][name] = walked
        print(f"{name:18} first p50 {walked['first_pages_ms']['p50']}, last p50 "
              f"{walked['last_pages_ms']['p50']} ms, duplicates {walked['duplicates']}")
    if ns.out:
        with open(ns.out, "w") as out:
            json.dump(result, out, indent=1)
    wrong = any(v.get("wrong_answers") for v in result["queries"].values())
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
