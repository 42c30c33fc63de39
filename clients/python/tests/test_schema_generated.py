"""_schema.py is what the table registry generates (one source of truth), and agrees with QuestDB."""

import os
import subprocess

from tradewatch import _schema
from tradewatch_testing.plugin import ROOT, TSX


def test_generated_schema_is_up_to_date():
    out = subprocess.run(
        [TSX, "--tsconfig", "tsconfig.base.json", "clients/python/scripts/generate-schema.ts", "--check"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr + out.stdout


def test_columns_match_the_tables_the_collector_creates(collector, questdb):
    for table, columns in _schema.TABLES.items():
        got = {r["column"]: r["type"] for r in questdb.query(f"SELECT \"column\", type FROM table_columns('{table}')")}
        assert got == {name: spec["type"] for name, spec in columns.items()}, table
