"""Bare Django for bench/load.py: one view that returns a captured API page, nothing else."""
