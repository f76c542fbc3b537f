{#- Where a raw row came from, as orchestration/ingest wrote it on every raw table of rows read
    from a workbook: the file, its SHA-256, the sheet and the row. The staging models pass them
    through unchanged, last in their select list. -#}
{% macro source_provenance() -%}
    source_file,
    source_sha256,
    source_sheet,
    source_row
{%- endmacro %}
