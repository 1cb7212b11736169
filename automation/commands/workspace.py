"""`sop-konten init`: a ready-to-use local workspace."""

from __future__ import annotations

from pathlib import Path

from automation.adapters.local.folders import FolderAssetStore
from automation.adapters.local.workbook import WorkbookRegister
from automation.config import CONFIG_NAME, DEFAULT_CONFIG, load_config
from automation.domain.contract import LOG_HEADERS, ROSTER_HEADERS, YES, Contract
from automation.domain.sop import Sop, load_sop
from automation.domain.texts import register as register_text

# One person per role, on reserved example domains so that nothing reaches a real mailbox.
SAMPLE_ROSTER = register_text.SAMPLE_ROSTER


class WorkspaceError(Exception):
    pass


def init_workspace(folder: Path, sop: Sop | None = None) -> Path:
    """Create (or complete) a workspace; never overwrites what is there. Returns the config path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / CONFIG_NAME
    if not config_path.exists():
        config_path.write_text(DEFAULT_CONFIG, encoding="utf-8")
    config = load_config(config_path)
    sop = sop or load_sop(config.sop)
    if not config.register_path.exists():
        roster = [(*SAMPLE_ROSTER.get(role, (register_text.sample_person(role), "")), role, YES) for role in sop.roles]
        WorkbookRegister.create(config.register_path, Contract(sop).register_headers, ROSTER_HEADERS,
                                LOG_HEADERS, roster, contract=Contract(sop))
    FolderAssetStore(config.assets_path, sop.intake_stage).ensure_stages(sop.stages)
    config.outbox_path.mkdir(parents=True, exist_ok=True)
    config.publish_path.mkdir(parents=True, exist_ok=True)
    return config_path
