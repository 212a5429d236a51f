"""Deterministic checks, one module per check, grouped by category folder.

Importing ``auditor.checks.base.load_all`` registers them all; ``run_checks`` runs a
selection and returns the results with a coverage summary.
"""
