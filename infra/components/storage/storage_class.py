"""The cluster's default StorageClass: gp3 EBS volumes encrypted with the region's `storage` KMS key.

Every claim that names no class gets it, and the Ceph OSDs and monitors name it. EKS ships a `gp2` class
(in-tree provisioner); on clusters created at Kubernetes 1.30 or later EKS no longer marks it default, and
when two classes are marked default Kubernetes (1.26+) gives a claim without a class the newest one, which
is this one. So the program does not patch `gp2` (a patch of an object EKS owns fails where it is absent).
The monitoring stack keeps its own class of the same parameters (its StatefulSets' claim templates name it
and cannot change class in place).
"""

from __future__ import annotations

from typing import Final

import pulumi
import pulumi_kubernetes as k8s

DEFAULT_STORAGE_CLASS: Final = "gp3-encrypted"
DEFAULT_CLASS_ANNOTATION: Final = "storageclass.kubernetes.io/is-default-class"
EBS_CSI_PROVISIONER: Final = "ebs.csi.aws.com"


def parameters(key_arn: pulumi.Input[str], volume_type: str = "gp3") -> dict[str, pulumi.Input[str]]:
    """gp3 (or another EBS type), encrypted with the customer-managed key (the EBS CSI role holds grants on
    it: cluster/addons.py)."""
    return {"type": volume_type, "encrypted": "true", "kmsKeyId": key_arn}


def encrypted_ebs_class(
    resource_name: str,
    *,
    class_name: str,
    key_arn: pulumi.Input[str],
    volume_type: str = "gp3",
    default: bool = False,
    opts: pulumi.ResourceOptions,
) -> k8s.storage.v1.StorageClass:
    """An EBS StorageClass encrypted with the region's storage key: the cluster default, the monitoring stack's
    own class and Ceph's cold OSD class differ only in name, volume type and the default annotation."""
    metadata: dict[str, object] = {"name": class_name, "labels": {"app.kubernetes.io/part-of": "ai-platform"}}
    if default:
        metadata["annotations"] = {DEFAULT_CLASS_ANNOTATION: "true"}
    return k8s.storage.v1.StorageClass(
        resource_name,
        metadata=metadata,
        provisioner=EBS_CSI_PROVISIONER,
        # A map with one unknown leaf (the key's ARN in a first preview), not an unknown map.
        parameters=parameters(key_arn, volume_type),
        reclaim_policy="Delete",
        # Zonal EBS volumes are created in the zone of the pod that first uses them.
        volume_binding_mode="WaitForFirstConsumer",
        allow_volume_expansion=True,
        opts=opts,
    )


class DefaultStorageClass(pulumi.ComponentResource):
    storage_class: k8s.storage.v1.StorageClass

    def __init__(self, name: str, *, key_arn: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ai-platform:storage:DefaultStorageClass", name, None, opts)
        self.storage_class = encrypted_ebs_class(
            name,
            class_name=DEFAULT_STORAGE_CLASS,
            key_arn=key_arn,
            default=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"name": DEFAULT_STORAGE_CLASS})
