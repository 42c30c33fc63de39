"""The spill file on its own (no collector): replay from a saved offset, a line cut by a crash, one process per directory."""

import os

import pytest

from tradewatch import TradewatchError
from tradewatch._spill import Spill


def test_reads_from_the_saved_offset_and_removes_the_file_once_all_is_delivered(tmp_path):
    spill = Spill(str(tmp_path), ["metrics/daemon"])
    spill.append("metrics/daemon", [{"i": i} for i in range(5)])
    batch, offset, lines = spill.read("metrics/daemon", 3)
    assert batch == [{"i": 0}, {"i": 1}, {"i": 2}] and lines == 3
    spill.commit("metrics/daemon", offset, lines)
    spill.close()

    again = Spill(str(tmp_path), ["metrics/daemon"])  # a new process: the offset was saved
    assert again.pending("metrics/daemon") == 2
    batch, offset, lines = again.read("metrics/daemon", 10)
    assert batch == [{"i": 3}, {"i": 4}]
    again.commit("metrics/daemon", offset, lines)
    assert again.total() == 0 and not os.path.exists(tmp_path / "metrics-daemon.jsonl")
    again.close()


def test_a_line_cut_by_a_crash_is_never_read_as_a_row(tmp_path):
    (tmp_path / "metrics-daemon.jsonl").write_text('{"i":0}\n{"i":1}\n{"i":')
    spill = Spill(str(tmp_path), ["metrics/daemon"])
    assert spill.pending("metrics/daemon") == 2
    batch, offset, lines = spill.read("metrics/daemon", 10)
    assert batch == [{"i": 0}, {"i": 1}]
    spill.commit("metrics/daemon", offset, lines)
    assert spill.total() == 0  # so flush() does not wait for a row that never was
    spill.append("metrics/daemon", [{"i": 2}])
    assert spill.read("metrics/daemon", 10)[0] == [{"i": 2}]
    spill.close()


def test_one_process_per_directory(tmp_path):
    first = Spill(str(tmp_path), ["metrics/daemon"])
    with pytest.raises(TradewatchError, match="used by another process"):
        Spill(str(tmp_path), ["metrics/daemon"])
    first.close()


def test_a_damaged_line_is_logged_and_skipped_and_the_count_stays_right(tmp_path, caplog):
    (tmp_path / "metrics-daemon.jsonl").write_text('{"i":0}\nnot json\n{"i":2}\n')
    spill = Spill(str(tmp_path), ["metrics/daemon"])
    batch, offset, lines = spill.read("metrics/daemon", 10)
    assert batch == [{"i": 0}, {"i": 2}] and lines == 3
    assert "unreadable line skipped" in caplog.text
    spill.commit("metrics/daemon", offset, lines)
    assert spill.total() == 0
    spill.close()
