"""The dbt project as dagster-dbt sees it.

Kept alone in its module, importing nothing of ours: `dagster-dbt project prepare-and-package
--file orchestration/transform/project.py` loads this file by path to write target/manifest.json
once (the Makefile does it before runs and tests); under `dagster dev` it is re-prepared on each
load so edits to the models show up at once.
"""

from pathlib import Path

from dagster_dbt import DbtProject

gongkai_dbt_project = DbtProject(project_dir=Path(__file__).resolve().parents[2] / "dbt_project")
gongkai_dbt_project.prepare_if_dev()
