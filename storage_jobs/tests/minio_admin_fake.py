"""An in-memory stand-in for `minio.MinioAdmin`: a FAKE, because no MinIO server runs here (DESIGN §6).

It answers like the admin API as minio-py returns it (JSON strings; errors as MinioAdminException with the
HTTP status and madmin's error code) for the calls the reconciler makes, stores policies the way MinIO
returns them (actions and resources as sorted sets), and logs every call that changes something. What the
server enforces with these policies is shown on Ceph RGW (test_minio_identity_rgw.py), not here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from minio.error import MinioAdminException

BUILTIN = ("consoleAdmin", "readwrite", "readonly", "writeonly", "diagnostics")


def _error(status: str, code: str) -> MinioAdminException:
    return MinioAdminException(status, json.dumps({"Code": code, "Message": code}))


@dataclass
class FakeMinioAdmin:
    users: dict[str, list[str]] = field(default_factory=dict)
    policies: dict[str, dict[str, Any]] = field(default_factory=lambda: {p: {"Version": "2012-10-17"} for p in BUILTIN})
    changes: list[tuple[str, ...]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # method names answered with 403 AccessDenied
    refuse_keys: bool = False  # every call answered with 403 InvalidAccessKeyId

    @classmethod
    def tenant(cls, *users: str) -> FakeMinioAdmin:
        """What the operator leaves behind: every Tenant user with consoleAdmin."""
        return cls(users={u: ["consoleAdmin"] for u in users})

    def _check(self, method: str) -> None:
        if self.refuse_keys:
            raise _error("403", "InvalidAccessKeyId")
        if method in self.refuse:
            raise _error("403", "AccessDenied")

    def user_list(self) -> str:
        self._check("user_list")
        return json.dumps(
            {u: {"status": "enabled", **({"policyName": ",".join(p)} if p else {})} for u, p in self.users.items()}
        )

    def policy_info(self, policy_name: str) -> str:
        self._check("policy_info")
        if policy_name not in self.policies:
            raise _error("404", "XMinioAdminNoSuchPolicy")
        return json.dumps(self.policies[policy_name])

    def policy_add(self, policy_name: str, policy_file: str | None = None, policy: dict[str, Any] | None = None) -> str:
        self._check("policy_add")
        assert policy is not None and policy_file is None
        stored = json.loads(json.dumps(policy))
        for statement in stored["Statement"]:
            statement["Action"] = sorted(statement["Action"])
            statement["Resource"] = sorted(statement["Resource"])
        self.policies[policy_name] = stored
        self.changes.append(("policy_add", policy_name))
        return ""

    def _entity(self, policies: list[str], user: str | None, group: str | None) -> list[str]:
        assert group is None and user is not None
        if user not in self.users:
            raise _error("404", "XMinioAdminNoSuchUser")
        if missing := [p for p in policies if p not in self.policies]:
            raise _error("404", f"XMinioAdminNoSuchPolicy {missing}")
        return self.users[user]

    def attach_policy(self, policies: list[str], user: str | None = None, group: str | None = None) -> str:
        self._check("attach_policy")
        current = self._entity(policies, user, group)
        if all(p in current for p in policies):
            raise _error("400", "XMinioAdminPolicyChangeAlreadyApplied")
        current[:] = sorted({*current, *policies})
        self.changes.append(("attach", str(user), *policies))
        return ""

    def detach_policy(self, policies: list[str], user: str | None = None, group: str | None = None) -> str:
        self._check("detach_policy")
        current = self._entity(policies, user, group)
        if not any(p in current for p in policies):
            raise _error("400", "XMinioAdminPolicyChangeAlreadyApplied")
        current[:] = [p for p in current if p not in policies]
        self.changes.append(("detach", str(user), *policies))
        return ""
