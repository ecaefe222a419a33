"""flows.fingerprint: a change to the dbt project changes the fingerprint; its artifacts do not."""

from __future__ import annotations

import shutil

from contracts.settings import DBT_PROJECT_DIR
from flows.fingerprint import models_fingerprint


def test_models_fingerprint_follows_the_project_not_its_artifacts(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    before = models_fingerprint(project)
    assert before == models_fingerprint(DBT_PROJECT_DIR)
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text("{}")
    assert models_fingerprint(project) == before
    model = project / "models" / "marts" / "fct_targets.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")
    assert models_fingerprint(project) != before
