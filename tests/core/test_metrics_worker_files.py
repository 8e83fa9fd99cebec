"""A scrape sums the workers' metric files that can be read whole and never fails on
one that cannot (issue 17, point 7): a file a new worker has just created (empty, or
too short to hold its length), one removed since the scrape listed it, or one torn
by a killed worker. prometheus-client's own collector raised ``struct.error`` on the
first: /metrics answered 500 while gunicorn replaced workers."""

from __future__ import annotations

import json
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from lrs.ops.metrics import WorkerFilesCollector, readable_files


def write_counter(path: Path, value: float) -> None:
    values = MmapedDict(str(path))
    values.write_value(json.dumps(["lrs_statements", "lrs_statements_total", {"outcome": "accepted"},
                                   "Statements received."]), value, 0.0)
    values.close()


def accepted(directory: Path) -> float:
    registry = CollectorRegistry()
    registry.register(WorkerFilesCollector(str(directory)))
    for family in text_string_to_metric_families(generate_latest(registry).decode()):
        for sample in family.samples:
            if sample.name == "lrs_statements_total":
                return float(sample.value)
    return 0.0


def test_the_files_of_every_worker_are_summed(tmp_path: Path) -> None:
    write_counter(tmp_path / "counter_101.db", 4)
    write_counter(tmp_path / "counter_102.db", 6)
    assert accepted(tmp_path) == 10


def test_a_file_being_created_is_left_out_of_the_scrape(tmp_path: Path) -> None:
    write_counter(tmp_path / "counter_101.db", 4)
    (tmp_path / "counter_102.db").write_bytes(b"")  # created, not yet sized
    (tmp_path / "counter_103.db").write_bytes(b"\x00\x00")  # shorter than its length field
    assert accepted(tmp_path) == 4
    assert readable_files(str(tmp_path)) == [str(tmp_path / "counter_101.db")]


def test_a_torn_file_is_left_out_of_the_scrape(tmp_path: Path) -> None:
    write_counter(tmp_path / "counter_101.db", 4)
    torn = tmp_path / "counter_102.db"
    write_counter(torn, 6)
    data = bytearray(torn.read_bytes())
    data[8:12] = (10**6).to_bytes(4, "little")  # an entry longer than the file says it holds
    torn.write_bytes(bytes(data))
    assert accepted(tmp_path) == 4
