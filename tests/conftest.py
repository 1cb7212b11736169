"""Shared fixtures: the Google emulator (started per test on 127.0.0.1)."""

pytest_plugins = ["tests.google_emulator.fixtures"]
