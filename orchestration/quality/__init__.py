"""The quality gate: Great Expectations suites (expectations/) run as Dagster asset checks."""
