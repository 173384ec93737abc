"""Push the generated dashboards to a running Grafana through its HTTP API (grafana-client):
each sub-folder of the dashboards folder becomes a Grafana folder of that name, the files at
its top go into one root folder; a dashboard already there is overwritten (the files are the
source of truth, as with provisioning)."""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grafana_client.api import GrafanaApi
from grafana_client.client import GrafanaClientError

from chiso_core.words import refusals

ROOT_FOLDER = "chiso"  # the folder the provisioning provider files dashboards under
MESSAGE = "chiso grafana publish"


class DashboardFileError(ValueError):
    pass


@dataclass(frozen=True)
class Folder:
    uid: str
    title: str


@dataclass(frozen=True)
class Dashboard:
    path: Path
    folder: Folder
    body: dict[str, Any]


def _folder(title: str) -> Folder:
    # Grafana folder uids: letters, digits, "-" and "_", at most 40 characters.
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", title).strip("-")
    uid = ROOT_FOLDER if title == ROOT_FOLDER else f"{ROOT_FOLDER}-{slug}"
    return Folder(uid[:40], title)


def read_dashboards(directory: Path) -> list[Dashboard]:
    """Every dashboard file under `directory` (top level and one level of sub-folders), read
    and checked before anything is sent: a bad file publishes nothing."""
    if not directory.is_dir():
        raise DashboardFileError(refusals.not_a_dashboards_folder(str(directory)))
    found: list[Dashboard] = []
    uids: dict[str, Path] = {}
    for path in sorted([*directory.glob("*.json"), *directory.glob("*/*.json")]):
        title = ROOT_FOLDER if path.parent == directory else path.parent.name
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise DashboardFileError(refusals.dashboard_not_json(str(path), str(e))) from e
        if not isinstance(body, dict):
            raise DashboardFileError(refusals.dashboard_not_an_object(str(path)))
        for field in ("uid", "title"):
            if not isinstance(body.get(field), str) or not body[field]:
                raise DashboardFileError(refusals.dashboard_lacks(str(path), field))
        if (other := uids.setdefault(body["uid"], path)) != path:
            raise DashboardFileError(
                refusals.dashboard_uid_repeats(str(path), body["uid"], str(other))
            )
        found.append(Dashboard(path, _folder(title), body))
    if not found:
        raise DashboardFileError(refusals.no_dashboard_files(str(directory)))
    return found


def ensure_folder(api: GrafanaApi, folder: Folder) -> bool:
    """Create the folder unless Grafana has it (by uid); whether it was created."""
    try:
        api.folder.get_folder(folder.uid)
    except GrafanaClientError as e:
        if e.status_code != 404:
            raise
        api.folder.create_folder(folder.title, uid=folder.uid)
        return True
    return False


def publish(api: GrafanaApi, dashboards: list[Dashboard]) -> list[Folder]:
    """Folders first (a dashboard names its folder by uid), then every dashboard; the folders
    created."""
    created = [f for f in dict.fromkeys(d.folder for d in dashboards) if ensure_folder(api, f)]
    for d in dashboards:
        # The numeric id is the exporting Grafana's; another instance knows the dashboard by uid.
        api.dashboard.update_dashboard(
            {
                "dashboard": {**d.body, "id": None},
                "folderUid": d.folder.uid,
                "overwrite": True,
                "message": MESSAGE,
            }
        )
    return created
