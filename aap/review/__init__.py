"""Instruction and review: reviewer pools, conflicts, assignment, scoring grids and aggregates."""
