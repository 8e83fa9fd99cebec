"""`lrs audit verify` and `backfill` show their progress on stderr for large stores
(issue 6, item 2), and stay quiet on small ones."""

from __future__ import annotations

import pytest

from lrs.cli.progress import ProgressBar


def test_the_progress_bar_counts_events_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    """A first line, then one per tenth when stderr is not a terminal (logs), ending at 100%."""
    bar = ProgressBar("verify", 20_000)
    for _ in range(20):
        bar.add(1_000)
    bar.done()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 11 and lines[-1].endswith("20,000/20,000 events (100%)")
    assert lines[0].startswith("verify [#-") and lines[5].startswith("verify [###############-")


def test_small_stores_show_no_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    bar = ProgressBar("verify", 50)
    bar.add(50)
    bar.done()
    assert capsys.readouterr().err == ""
