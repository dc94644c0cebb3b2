import pytest


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path, monkeypatch):
    """Every audit test gets its own (empty) checkpoint directory and sends no e-mail."""
    monkeypatch.delenv("TRYGG_AUDIT_CHECKPOINT_DIR", raising=False)
    monkeypatch.delenv("TRYGG_AUDIT_CHECKPOINT_EMAIL", raising=False)
    directory = tmp_path / "audit-checkpoints"
    directory.mkdir()
    settings.AUDIT_CHECKPOINT_DIR = str(directory)
    settings.AUDIT_CHECKPOINT_EMAIL = ""
    return directory
