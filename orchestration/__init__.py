"""gongkai — the Dagster code location of the quarterly disclosure check."""
