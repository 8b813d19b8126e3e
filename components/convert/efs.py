"""EFS volumes as Copilot renders them (stack/transformers.go convertVolumes,
convertEFSPermissions, convertManagedFSInfo; partials/cf/volumes.yml, efs-access-point.yml,
taskrole.yml). Pure.

- A file system of the user's (`efs: {id | from_cfn, root_dir, auth}`): the volume names it,
  root directory "/" unless given, transit encryption always, IAM authorization DISABLED
  unless `auth.iam: true` (Copilot's code, whatever its docs say), the access point if given.
  The task role may `ClientMount` it (and `ClientWrite` when `read_only: false`), only through
  the access point when one is named.
- Copilot-managed (`efs: true` or `efs: {uid, gid}`): the environment's file system, reached
  through an access point per job rooted at `/<job>` (0755, uid = gid = CRC32 of the job name
  unless given); the task role may mount and write through that access point only.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from scheduled_jobs.components.manifest.model import EFSConfig, Job, Volume

DEFAULT_ROOT_DIRECTORY = "/"


def is_managed(volume: Volume) -> bool:
    return volume.efs is True or (isinstance(volume.efs, EFSConfig) and volume.efs.uid is not None)


def is_external(volume: Volume) -> bool:
    return isinstance(volume.efs, EFSConfig) and not is_managed(volume)


def managed_volume(job: Job) -> str | None:
    """The name of the job's Copilot-managed EFS volume (at most one: rules.py)."""
    return next((n for n, v in sorted(job.storage.volumes.items()) if is_managed(v)), None)


def uses_managed_efs(job: Job) -> bool:
    return managed_volume(job) is not None


def posix_ids(job: Job) -> tuple[int, int]:
    """Copilot's uid/gid: as given, else CRC32-IEEE of the job name for both."""
    volume = job.storage.volumes[managed_volume(job)]  # type: ignore[index]
    if isinstance(volume.efs, EFSConfig) and volume.efs.uid is not None:
        return int(volume.efs.uid), int(volume.efs.gid)  # type: ignore[arg-type]
    crc = zlib.crc32(job.name.encode())
    return crc, crc


def access_point_inputs(job: Job, file_system_id: Any, tags: dict) -> dict:
    uid, gid = posix_ids(job)
    return {
        "fileSystemId": file_system_id,
        "posixUser": {"uid": uid, "gid": gid},
        "rootDirectory": {
            "path": f"/{job.name}",
            "creationInfo": {"ownerUid": uid, "ownerGid": gid, "permissions": "0755"},
        },
        "tags": tags,
    }


@dataclass(frozen=True)
class Grant:
    file_system_id: Any
    write: bool
    access_point: Any  # an access point ID, or ARN (managed); None for none


def volumes(job: Job, *, file_system_ids: dict[str, Any], access_point_id: Any = None):
    """The task definition's `volumes`: scratch volumes by name, EFS ones configured.
    `file_system_ids` holds each EFS volume's file system ID (exports resolved, the
    environment's for the managed one)."""
    # Copilot's order (partials/cf/volumes.yml, transformers.go convertVolumes): the managed
    # volume first, then the others sorted by name.
    out = []
    ordered = sorted(
        job.storage.volumes.items(), key=lambda item: (not is_managed(item[1]), item[0])
    )
    for name, volume in ordered:
        if is_managed(volume):
            out.append(
                {
                    "name": name,
                    "efsVolumeConfiguration": {
                        "fileSystemId": file_system_ids[name],
                        "rootDirectory": DEFAULT_ROOT_DIRECTORY,
                        "transitEncryption": "ENABLED",
                        "authorizationConfig": {"accessPointId": access_point_id, "iam": "ENABLED"},
                    },
                }
            )
        elif is_external(volume):
            efs: EFSConfig = volume.efs  # type: ignore[assignment]
            auth: dict[str, Any] = {"iam": "ENABLED" if efs.auth and efs.auth.iam else "DISABLED"}
            if efs.auth and efs.auth.access_point_id:
                auth = {"accessPointId": efs.auth.access_point_id, **auth}
            out.append(
                {
                    "name": name,
                    "efsVolumeConfiguration": {
                        "fileSystemId": file_system_ids[name],
                        "rootDirectory": efs.root_dir or DEFAULT_ROOT_DIRECTORY,
                        "transitEncryption": "ENABLED",
                        "authorizationConfig": auth,
                    },
                }
            )
        else:
            out.append({"name": name})
    return out or None


def grants(job: Job, *, file_system_ids: dict[str, Any], access_point_arn: Any = None):
    out = []
    for name, volume in sorted(job.storage.volumes.items()):
        if is_managed(volume):
            out.append(Grant(file_system_ids[name], True, access_point_arn))
        elif is_external(volume):
            efs: EFSConfig = volume.efs  # type: ignore[assignment]
            access_point = efs.auth.access_point_id if efs.auth else None
            out.append(Grant(file_system_ids[name], volume.read_only is False, access_point))
    return out


def statements(grants: list[Grant], *, region: str, account: str, partition: str) -> list[dict]:
    """The task role's EFS statements (file system IDs and access points now known)."""
    out = []
    for index, grant in enumerate(grants):
        actions = ["elasticfilesystem:ClientMount"]
        if grant.write:
            actions.append("elasticfilesystem:ClientWrite")
        base = f"arn:{partition}:elasticfilesystem:{region}:{account}"
        statement: dict[str, Any] = {
            "Sid": f"GrantEFSAccess{index}",
            "Effect": "Allow",
            "Action": actions,
            "Resource": f"{base}:file-system/{grant.file_system_id}",
        }
        if grant.access_point:
            point = str(grant.access_point)
            arn = point if point.startswith("arn:") else f"{base}:access-point/{point}"
            statement["Condition"] = {"StringEquals": {"elasticfilesystem:AccessPointArn": arn}}
        out.append(statement)
    return out
