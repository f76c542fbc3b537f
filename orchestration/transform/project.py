"""The dbt project as dagster-dbt sees it.

Kept alone in its module, importing nothing of ours: `dagster-dbt project prepare-and-package
--file orchestration/transform/project.py` loads this file by path to write target/manifest.json
(the Makefile does it before runs, tests and `make ui`, and again whenever a dbt file or a
reference CSV changed). There is no `prepare_if_dev()`: under `dagster dev` it would parse the
whole project again in every run worker (a full `dbt parse` per UI run), and with the seed path
pointing wherever the last run pointed it. After editing a model while the UI runs:
`make dbt_project/target/manifest.json`, then reload the code location.
"""

from pathlib import Path

from dagster_dbt import DbtProject

gongkai_dbt_project = DbtProject(project_dir=Path(__file__).resolve().parents[2] / "dbt_project")
