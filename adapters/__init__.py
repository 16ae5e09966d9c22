"""Tracker adapters, installed as tracker_bridge.adapters.*; found by entry points."""
