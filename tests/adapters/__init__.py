"""Adapter tests: the shared contract suite and one folder per adapter."""
