"""The reference CSVs (GONGKAI_REFERENCE_DIR): how a county describes itself, read and checked here.

This package is the one Python reader of those files: the ingest's registry, the onboarding CLI and
the run-start validation all go through it; dbt loads the same files as seeds.
"""
