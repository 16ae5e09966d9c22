"""Jira adapter tests."""
