"""Where a cold CLI run's time goes, read from the run's own events in the Dagster instance.

start-up     process start -> the run's first event: Python, Dagster, the code location,
             and the run record (from the UI: the launch request until the run is created)
planning     first event -> last planned event: planned materialisations and checks
queued       (from the UI) the run waits in the queue until the daemon takes it
launch       -> the run starts: the run's launch; from the UI, the run worker's process start
             and its load of the code location
run start    the run starts -> first step starts: the warehouse resource (claim, private
             copy) and Dagster's log capture
<step>       each step, start to finish (steps run one after another in the run's process)
between      what lies between steps (Dagster's own bookkeeping)
run end      last step -> the run's success or failure event (resource teardown)
exit         that event -> the process has exited (interpreter shutdown)
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

STEP_EVENTS = ("STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED")
RUN_ENDS = ("PIPELINE_SUCCESS", "PIPELINE_FAILURE")  # Dagster still stores runs as pipelines


def run_timeline(dagster_home: Path, started: float, ended: float) -> dict[str, float]:
    """Seconds per stage of the newest run of the instance in `dagster_home`; `started` and
    `ended` are the epoch times the CLI process was started and was seen to exit."""
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        run = instance.get_runs(limit=1)[0]
        records = [r for r in instance.all_logs(run.run_id) if r.dagster_event is not None]
    events = [(r.timestamp, r.dagster_event.event_type_value, r.step_key) for r in records]
    events.sort(key=lambda event: event[0])
    first = events[0][0]
    step_times = [(t, kind, step) for t, kind, step in events if kind in STEP_EVENTS and step]
    run_end = next((t for t, kind, _ in reversed(events) if kind in RUN_ENDS), events[-1][0])
    stages = {"start-up": first - started}
    run_start = next((t for t, kind, _ in events if kind == "PIPELINE_START"), first)
    planned = max((t for t, kind, _ in events if kind.endswith("_PLANNED")), default=first)
    stages["planning"] = planned - first
    enqueued = next((t for t, kind, _ in events if kind == "PIPELINE_ENQUEUED"), None)
    launched = next((t for t, kind, _ in events if kind == "PIPELINE_STARTING"), None)
    if enqueued is not None and launched is not None:
        stages["queued"] = launched - enqueued
        planned = launched
    stages["launch"] = run_start - planned
    if step_times:
        stages["run start"] = step_times[0][0] - run_start
        begun: dict[str, float] = {}
        between, last_end = 0.0, step_times[0][0]
        for t, kind, step in step_times:
            if kind == "STEP_START":
                between += t - last_end
                begun[step] = t
            elif step in begun:
                stages[step] = t - begun.pop(step)
                last_end = t
        stages["between steps"] = between
        stages["run end"] = run_end - last_end
    stages["exit"] = ended - run_end
    return {name: round(seconds, 3) for name, seconds in stages.items()}
