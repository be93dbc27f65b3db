"""A Kubernetes provider per cluster, built from the cluster's outputs (token from `aws eks get-token`)."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s


def render_kubeconfig(cluster_name: str, endpoint: str, ca_data: str, region: str) -> str:
    user = f"{cluster_name}-user"
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": ca_data}}
            ],
            "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": user}}],
            "current-context": cluster_name,
            "users": [
                {
                    "name": user,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": [
                                "eks",
                                "get-token",
                                "--cluster-name",
                                cluster_name,
                                "--region",
                                region,
                                "--output",
                                "json",
                            ],
                        }
                    },
                }
            ],
        }
    )


def kubernetes_provider(
    name: str, *, cluster: aws.eks.Cluster, region: str, opts: pulumi.ResourceOptions
) -> k8s.Provider:
    kubeconfig = pulumi.Output.all(cluster.name, cluster.endpoint, cluster.certificate_authority).apply(
        lambda args: render_kubeconfig(args[0], args[1], args[2]["data"], region)
    )
    return k8s.Provider(
        name,
        kubeconfig=pulumi.Output.secret(kubeconfig),
        enable_server_side_apply=True,
        delete_unreachable=False,
        opts=opts,
    )
