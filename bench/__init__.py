"""Benchmarks for panelbot, kept out of the test suite: run them with `python -m bench`.

Each benchmark prints a table with its ratio against a floor or a baseline and writes its
figures to bench/results/<name>.json. They measure the real code against the stand-in
Bot API (bot/sandbox/fake_api.py) on this machine, so the figures vary with its load.
"""
