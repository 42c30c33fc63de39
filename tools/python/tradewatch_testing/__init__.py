"""Test helpers for the repo's pytest suites (see plugin.py)."""

from .plugin import Collector, CollectorFactory, QuestDB, FAST_INTERVALS, free_ports, unique_name

__all__ = ["Collector", "CollectorFactory", "QuestDB", "FAST_INTERVALS", "free_ports", "unique_name"]
