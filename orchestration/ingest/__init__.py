"""Ingest: read a quarter's annex spreadsheets, strictly, into the warehouse's raw schema."""
