"""Deterministic, realistic xAPI statements for the benchmark.

A fictional corporate academy: 20,000 learners enrol in 200 courses (each in one
of 10 programmes, 8 modules of 5 lessons), guided by 300 instructors. Every
enrolment is a *registration* that produces 20 statements in a realistic order
(launched, initialized, experienced lessons, answered questions, progressed,
completed, passed or failed, terminated). Statement number ``i`` is a pure
function of ``(seed, i)``: any process can generate any slice, the harness
knows which agents, courses and registrations exist in the first ``n``
statements, and two runs with one seed store the same documents.

Each statement is about 1.2 KB of JSON: actor, verb with display, activity with
definition, result with score and duration, context with registration,
contextActivities (parent, grouping, category) and instructor.

Nothing here imports the LRS: the harness talks to it only over HTTP and the CLI.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

LEARNERS = 20_000
COURSES = 200
PROGRAMS = 10
MODULES_PER_COURSE = 8
LESSONS_PER_MODULE = 5
INSTRUCTORS = 300
STATEMENTS_PER_REGISTRATION = 20

BASE = "https://academy.example.com"
ADL = "http://adlnet.gov/expapi/verbs/"
PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000"
"""Put in place of the id by `ingest_body`; the load generator swaps a fresh UUID in."""

# (verb, English display, French display)
VERBS = {
    "launched": ("launched", "a lancé"),
    "initialized": ("initialized", "a initialisé"),
    "experienced": ("experienced", "a consulté"),
    "answered": ("answered", "a répondu"),
    "progressed": ("progressed", "a progressé"),
    "completed": ("completed", "a terminé"),
    "passed": ("passed", "a réussi"),
    "failed": ("failed", "a échoué"),
    "terminated": ("terminated", "a quitté"),
}
# The 20 statements of one registration, in order (index 17 is passed or failed).
SEQUENCE = (
    ["launched", "initialized"]
    + ["experienced"] * 6
    + ["answered"] * 5
    + ["progressed"] * 2
    + ["experienced"] * 2
    + ["completed", "passed", "terminated"]
)
assert len(SEQUENCE) == STATEMENTS_PER_REGISTRATION

ACTIVITY_TYPES = {
    "experienced": "http://adlnet.gov/expapi/activities/lesson",
    "answered": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "progressed": "http://adlnet.gov/expapi/activities/module",
}
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
_FACTS: dict[int, dict[int, tuple[str, int, int, int, bool]]] = {}


def verb_iri(name: str) -> str:
    return ADL + name


def _digest(seed: int, kind: str, n: int) -> bytes:
    return hashlib.blake2b(f"{seed}:{kind}:{n}".encode(), digest_size=16).digest()


def _uuid(seed: int, kind: str, n: int) -> str:
    return str(uuid.UUID(bytes=_digest(seed, kind, n), version=4))


def _pick(seed: int, kind: str, n: int, modulo: int) -> int:
    return int.from_bytes(_digest(seed, kind, n)[:8], "big") % modulo


@dataclass(frozen=True)
class Corpus:
    """The statement population for one seed."""

    seed: int = 20261103

    # --- who and what statement i is about ---------------------------------------------

    def _registration_facts(self, r: int) -> tuple[str, int, int, int, bool]:
        """(registration id, learner, course, instructor, failed), cached: 20 statements share them."""
        cache = _FACTS.setdefault(self.seed, {})
        facts = cache.get(r)
        if facts is None:
            if len(cache) > 100_000:
                cache.clear()
            facts = cache[r] = (
                _uuid(self.seed, "registration", r),
                _pick(self.seed, "learner", r, LEARNERS),
                _pick(self.seed, "course", r, COURSES),
                _pick(self.seed, "instructor", r, INSTRUCTORS),
                _pick(self.seed, "outcome", r, 5) == 0,
            )
        return facts

    def registration_index(self, i: int) -> int:
        return i // STATEMENTS_PER_REGISTRATION

    def registration(self, r: int) -> str:
        return self._registration_facts(r)[0]

    def learner_of(self, r: int) -> int:
        return self._registration_facts(r)[1]

    def course_of(self, r: int) -> int:
        return self._registration_facts(r)[2]

    def instructor_of(self, r: int) -> int:
        return self._registration_facts(r)[3]

    def statement_id(self, i: int) -> str:
        return _uuid(self.seed, "statement", i)

    @staticmethod
    def learner_agent(n: int) -> dict[str, Any]:
        return {"objectType": "Agent", "name": f"Learner {n:05d}",
                "mbox": f"mailto:learner.{n:05d}@academy.example.com"}

    @staticmethod
    def instructor_agent(n: int) -> dict[str, Any]:
        return {"objectType": "Agent", "name": f"Instructor {n:03d}",
                "mbox": f"mailto:instructor.{n:03d}@academy.example.com"}

    @staticmethod
    def course_iri(c: int) -> str:
        return f"{BASE}/courses/c{c:03d}"

    @staticmethod
    def program_iri(c: int) -> str:
        return f"{BASE}/programs/p{c % PROGRAMS:02d}"

    def verb_name(self, i: int) -> str:
        k = i % STATEMENTS_PER_REGISTRATION
        name = SEQUENCE[k]
        if name == "passed" and self._registration_facts(self.registration_index(i))[4]:
            return "failed"
        return name

    # --- the statement ----------------------------------------------------------------

    def statement(self, i: int, *, with_id: bool = True) -> dict[str, Any]:
        """Statement number ``i``: about 1.2 KB once serialized."""
        r = self.registration_index(i)
        k = i % STATEMENTS_PER_REGISTRATION
        c = self.course_of(r)
        verb = self.verb_name(i)
        module = (k * 3 + r) % MODULES_PER_COURSE
        lesson = (k + r) % LESSONS_PER_MODULE
        course = self.course_iri(c)
        module_iri = f"{course}/modules/m{module}"
        if verb in ("experienced", "answered"):
            obj_iri = f"{module_iri}/lessons/l{lesson}"
            if verb == "answered":
                obj_iri += f"/questions/q{k}"
            name = f"Lesson {lesson + 1} of module {module + 1}, course {c:03d}"
            parent = module_iri
        elif verb == "progressed":
            obj_iri, name, parent = module_iri, f"Module {module + 1} of course {c:03d}", course
        else:
            obj_iri, name, parent = course, f"Course {c:03d}: working with data", self.program_iri(c)
        rnd = _digest(self.seed, "result", i)
        raw = rnd[0] % 101
        seconds = 60 + int.from_bytes(rnd[1:3], "big") % 3600
        when = datetime(2026, 1, 5, 8, tzinfo=UTC) + timedelta(
            hours=r * 3 % 6000, minutes=k * 4, seconds=rnd[3] % 60, milliseconds=rnd[4] * 3)
        doc: dict[str, Any] = {}
        if with_id:
            doc["id"] = self.statement_id(i)
        doc.update({
            "actor": self.learner_agent(self.learner_of(r)),
            "verb": {"id": verb_iri(verb), "display": {"en-US": VERBS[verb][0], "fr-FR": VERBS[verb][1]}},
            "object": {
                "objectType": "Activity",
                "id": obj_iri,
                "definition": {
                    "name": {"en-US": name},
                    "description": {"en-US": "Self-paced, data literacy curriculum."},
                    "type": ACTIVITY_TYPES.get(verb, COURSE_TYPE),
                },
            },
            "result": {
                "score": {"scaled": raw / 100, "raw": raw, "min": 0, "max": 100},
                "success": raw >= 60,
                "completion": verb in ("completed", "passed", "failed", "terminated"),
                "duration": f"PT{seconds // 60}M{seconds % 60}S",
            },
            "context": {
                "registration": self.registration(r),
                "instructor": self.instructor_agent(self.instructor_of(r)),
                "contextActivities": {
                    "parent": [{"objectType": "Activity", "id": parent}],
                    "grouping": [{"objectType": "Activity", "id": course},
                                 {"objectType": "Activity", "id": self.program_iri(c)}],
                    "category": [{"objectType": "Activity", "id": f"{BASE}/profiles/academy/v2"}],
                },
                "language": "en-US",
            },
            "timestamp": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
        })
        return doc

    def statements(self, start: int, stop: int, *, with_id: bool = True) -> Iterator[dict[str, Any]]:
        for i in range(start, stop):
            yield self.statement(i, with_id=with_id)

    def ingest_body(self, i: int) -> dict[str, Any]:
        """A statement for the ingest benchmarks: its id is `PLACEHOLDER_ID`, which the load
        generator replaces with a fresh UUID on every request (so every POST stores a new
        statement, as a real client would send)."""
        return {"id": PLACEHOLDER_ID, **self.statement(i, with_id=False)}

    # --- what the first n statements contain (query targets) ---------------------------

    def registrations_in(self, n: int) -> int:
        """Registrations with all their statements among the first ``n``."""
        return n // STATEMENTS_PER_REGISTRATION

    def sample_registrations(self, n: int, count: int) -> list[int]:
        total = max(1, self.registrations_in(n))
        step = max(1, total // count)
        return [(j * step + 7) % total for j in range(count)]


def index_keys(statement: dict[str, Any], authority_key: str) -> list[tuple[int, str, int]]:
    """What the LRS's query index holds for one of these statements, as (kind, key, direct).

    A restatement of Communication 2.1.3's filters for the shapes this module generates
    (Agent actors with mbox, Activity objects), in the LRS index's terms of today, used
    only by the raw store benchmark to write as many index rows as the LRS does (the run
    reports both counts). Kinds: 1 agent, 3 verb, 4 activity, 6 registration; ``direct``
    is 1 for the actor and the object, 0 for what only ``related_agents`` (authority,
    instructor) or ``related_activities`` (context activities) find.
    """
    actor = "mbox:" + statement["actor"]["mbox"]
    ctx = statement["context"]
    obj = statement["object"]["id"]
    keys = [(1, actor, 1)]
    keys += [(1, k, 0) for k in sorted({authority_key, "mbox:" + ctx["instructor"]["mbox"]} - {actor})]
    keys.append((3, statement["verb"]["id"], 1))
    keys.append((4, obj, 1))
    related = {a["id"] for v in ctx["contextActivities"].values() for a in v} - {obj}
    keys += [(4, k, 0) for k in sorted(related)]
    keys.append((6, ctx["registration"], 1))
    return keys


def parse_sizes(text: str) -> list[int]:
    """Store sizes as the harness takes them (`10k,100k`, `1M`), in whole registrations."""
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        mult = 1_000_000 if part.endswith("m") else 1_000 if part.endswith("k") else 1
        n = int(float(part.rstrip("km")) * mult)
        # Whole registrations only, so that expected answers are exact.
        out.append(max(STATEMENTS_PER_REGISTRATION, n // STATEMENTS_PER_REGISTRATION * STATEMENTS_PER_REGISTRATION))
    return sorted(set(out))
