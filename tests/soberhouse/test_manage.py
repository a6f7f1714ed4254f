from tests.processes import manage
from tests.soberhouse.test_env import production_env


def test_manage_py_with_debug_off_never_falls_back_to_the_embedded_database(tmp_path):
    env = production_env(DATABASE_URL=None, SOBERHOUSE_VAR_DIR=str(tmp_path))
    result = manage("check", env=env, timeout=60)
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr
    assert not (tmp_path / "pgdata").exists()
