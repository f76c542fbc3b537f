"""The run's hold on the warehouse, as the one Dagster resource every warehouse step uses.

With the default in-process executor the resource is set up once for the whole run: it claims the
warehouse (run_claim.py), completes any publication a killed run left half-done, makes the run's
private copy (publication.py), and, when the run ends without publishing (a failed check, an
error), throws the copy away and lets go of the claim. With an executor that starts a process per
step it is set up per step instead: the first step makes the copy and the later ones find it
stamped with their run (another run that claimed the warehouse in between replaces it, and this
run's next step starts over from the published warehouse: crash-safe, though not all-or-nothing
across the run; in_process is the default for that reason).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from orchestration.partitions import quarter_of_run
from orchestration.publication import (
    RunFiles,
    build_owner,
    built_fingerprint,
    complete_publication,
    discard_build,
    publish,
    record_fingerprint,
    start_build,
)
from orchestration.run_claim import Holder, claim_warehouse
from orchestration.settings import Settings


class WarehouseRun(dg.ConfigurableResource):
    """Paths a run's steps work on: the private warehouse copy and the staged exports."""

    _files: RunFiles | None = PrivateAttr(default=None)
    _published: bool = PrivateAttr(default=False)

    @property
    def files(self) -> RunFiles:
        if self._files is None:
            raise RuntimeError("the warehouse resource is used outside a run")
        return self._files

    @property
    def path(self) -> Path:
        """The DuckDB file every step of this run reads and writes."""
        return self.files.building

    @property
    def staged_exports(self) -> Path:
        return self.files.staged_exports

    def built_fingerprint(self, name: str) -> str | None:
        return built_fingerprint(self.path, name)

    def record_fingerprint(self, name: str, fingerprint: str) -> None:
        record_fingerprint(self.path, name, fingerprint)

    def publish(self, log: dg.DagsterLogManager) -> list[Path]:
        published = publish(self.files, log.info)
        self._published = True
        return published

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseRun]:
        settings = Settings.from_env()
        files = RunFiles(settings.warehouse_path, settings.exports_dir)
        run_id = context.run_id or "adhoc"
        quarter = quarter_of_run(context.dagster_run)
        log = context.log.info if context.log else print
        warn = context.log.warning if context.log else print

        def fail_dead_run(holder: Holder) -> None:
            _mark_failed(context.instance, holder)

        with claim_warehouse(
            files.published,
            run_id,
            quarter.key if quarter else None,
            settings.lock_wait_seconds,
            warn,
            fail_dead_run,
        ):
            complete_publication(files, log)
            whole_run = settings.executor == "in_process"
            if whole_run or build_owner(files) != run_id:
                start_build(files, run_id, quarter, settings.lock_wait_seconds)
            self._files = files
            try:
                yield self
            finally:
                # A per-step set-up cannot tell the run's last step: the next run's copy
                # replaces what it leaves.
                if whole_run and not self._published:
                    if files.journal.exists():
                        # failed half-way through publishing: what is written down had passed
                        # every check, so finish it rather than leave raw and exports apart
                        complete_publication(files, log)
                    else:
                        discard_build(files)


def _mark_failed(instance: dg.DagsterInstance | None, holder: Holder) -> None:
    """A dead run stays STARTED in Dagster's run list for ever: record it as failed."""
    if instance is None:
        return
    run = instance.get_run_by_id(holder.run_id)
    if run is None or run.status not in (dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING):
        return
    instance.report_run_failed(
        run,
        message=(
            f"运行进程 {holder.pid}@{holder.host} 已不在运行（被终止或崩溃），"
            "由下一次运行记为失败；它未发布的数据没有进入仓库。"
            f" / The run's process {holder.pid}@{holder.host} died; marked failed by the next"
            " run. Nothing it had not published reached the warehouse."
        ),
    )
