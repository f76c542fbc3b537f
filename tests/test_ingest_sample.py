"""The bundled sample quarter lands exactly as the 2020 Q1 notice prints it."""

from __future__ import annotations

import dagster as dg

from orchestration.ingest.load import ingest_quarter
from orchestration.quarters import Quarter
from orchestration.settings import Settings
from orchestration.warehouse import connect
from tests.factories import notice_2020q1 as notice
from tests.reference_tables import with_reference_data

SAMPLE = Quarter(2020, 1)


def _scalar(settings: Settings, sql: str, params: list[object] | None = None) -> object:
    with connect(settings.warehouse_path, read_only=True) as connection:
        return connection.execute(sql, params or []).fetchone()[0]


def test_sample_quarter_figures(sample_settings: Settings) -> None:
    [summary] = ingest_quarter(with_reference_data(sample_settings), SAMPLE)

    assert summary.county == "崇信县"
    assert summary.rows == 51
    assert summary.items_by_annex == {1: 248, 2: 14}
    assert summary.declared_by_annex == {1: 248, 2: 14}
    assert summary.units_resolved == 35
    assert summary.unattributed_rows == 1
    assert summary.assessments == 34

    with connect(sample_settings.warehouse_path, read_only=True) as connection:
        per_annex = connection.execute(
            "select annex, count(*), sum(item_count) from raw.annex_rows "
            "where county = '崇信县' and quarter = '2020-Q1' group by annex order by annex"
        ).fetchall()
        assert per_annex == [(1, 43, 248), (2, 8, 14)]
        assert connection.execute("select sum(item_count) from raw.annex_rows").fetchone() == (262,)
        totals = connection.execute(
            "select annex, declared_total, source_row, count_header "
            "from raw.annex_totals order by annex"
        ).fetchall()
        assert totals == [(1, 248, 46, "一季度公开数量"), (2, 14, 11, "一季度公开数量")]


def test_rows_keep_what_was_written_and_where(sample_settings: Settings) -> None:
    ingest_quarter(with_reference_data(sample_settings), SAMPLE)
    with connect(sample_settings.warehouse_path, read_only=True) as connection:
        rows = connection.execute(
            "select row_number, column_name, column_name_raw, item_count, unit_name_raw, unit_id, "
            "note, source_sheet, source_row, length(source_sha256) from raw.annex_rows "
            "where annex = 1 order by source_row"
        ).fetchall()
        # every row of 附件1 as printed, in order
        assert [(r[0], r[2], r[3], r[4], r[6]) for r in rows] == [
            (n.row_number, n.column_name, n.item_count, n.unit_name, n.note)
            for n in notice.ANNEX1_ROWS
        ]
        # the quirk 'xxx (文体广电和旅游局)' is kept as written and normalised beside it
        assert rows[38][1:3] == (
            "政府部门信息公开(文体广电和旅游局)",
            "政府部门信息公开 (文体广电和旅游局)",
        )
        assert rows[0][7:] == ("Sheet1", 3, 64)
        # 相关部门 is counted but belongs to no registered unit
        related = connection.execute(
            "select column_name, item_count, unit_id, note from raw.annex_rows "
            "where unit_name_raw = '相关部门'"
        ).fetchall()
        assert related == [("提案议案办理结果", 0, None, "正在办理中")]
        units = connection.execute(
            "select count(distinct unit_id) from raw.annex_rows where unit_id is not null"
        ).fetchone()
        assert units == (35,)


def test_reviewer_assessment_lists_34_units_in_notice_order(sample_settings: Settings) -> None:
    ingest_quarter(with_reference_data(sample_settings), SAMPLE)
    with connect(sample_settings.warehouse_path, read_only=True) as connection:
        rows = connection.execute(
            "select reviewer_tier, unit_name_raw from raw.reviewer_assessments order by source_row"
        ).fetchall()
        nongban = connection.execute(
            "select count(*) from raw.reviewer_assessments where unit_id = 'chongxin-nongban'"
        ).fetchone()
    by_tier: dict[str, list[str]] = {}
    for tier, unit in rows:
        by_tier.setdefault(tier, []).append(unit)
    assert by_tier == notice.TIER_LISTS
    assert len(rows) == 34
    assert nongban == (0,)


def test_rerun_changes_nothing(sample_settings: Settings) -> None:
    ingest_quarter(with_reference_data(sample_settings), SAMPLE)
    with connect(sample_settings.warehouse_path, read_only=True) as connection:
        first = {
            t: connection.execute(f"select * from raw.{t} order by all").fetchall()
            for t in ("annex_rows", "annex_totals", "reviewer_assessments", "source_files")
        }
    ingest_quarter(with_reference_data(sample_settings), SAMPLE)
    with connect(sample_settings.warehouse_path, read_only=True) as connection:
        second = {
            t: connection.execute(f"select * from raw.{t} order by all").fetchall() for t in first
        }
    assert second == first
    assert len(second["annex_rows"]) == 51


def test_dagster_asset_materialises_the_partition(sample_settings: Settings) -> None:
    from orchestration.ingest.assets import raw_quarter
    from orchestration.publish import published_quarter
    from tests.pipeline import materialize_quarter

    with_reference_data(sample_settings)  # what the run's reference_data step would have built
    result = materialize_quarter("2020-Q1", (raw_quarter, published_quarter), checks=())

    assert result.success
    [rows_event] = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["raw", "annex_rows"])
    ]
    metadata = rows_event.materialization.metadata
    assert metadata["rows"].value == 51
    assert metadata["items_annex_1"].value == 248
    assert metadata["items_annex_2"].value == 14
    assert metadata["units_resolved"].value == 35
    assert _scalar(sample_settings, "select count(*) from raw.annex_rows") == 51
