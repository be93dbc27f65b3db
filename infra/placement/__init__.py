"""Scheduling consistency of a plan: can every workload the plan deploys land on a node pool it must run on?

Reads the plan document (the `pulumi preview --json` shape, build/<stack>/plan.json) and nothing else:
the node pools are the plan's EKS managed node groups (labels, taints, AMI type), the workloads are its
native Kubernetes workloads, the Helm releases whose chart `chart_workloads.yaml` describes and the EKS
add-ons that run pods. The rules (a workload requesting an accelerator lands on an accelerator pool, GPU
DaemonSets on every accelerator pool, node agents on every pool, everything else on some pool) are in
`check.py`; the Kubernetes matching semantics (nodeSelector, required node affinity, taints and
tolerations) in `matcher.py`.

    python -m infra.placement build/prod/plan.json [--json build/prod/placement.json]

Exit codes: 0 every workload can be placed, 1 at least one workload cannot (one line per problem naming
the cluster, the workload, the pool and the unmatched taint or label), 2 bad input (unreadable plan, a
wrong-typed, secret or unknown scheduling field).
"""
