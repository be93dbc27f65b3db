"""checkov in the gate: one offline checkov process per run over four targets, its results as gate findings.

- toolenv: where the pinned checkov lives (.tools/checkov, installed by .ci/tools/install) and how it runs offline.
- terraform_plan: the plan's AWS resources as a Terraform-plan JSON that checkov's terraform_plan framework reads.
  terraform_names (types from tokens, attribute and block names), sdk_shapes (map or object, from pulumi_aws) and
  registry (the Terraform types and check ids checkov knows, cached per pinned version) serve it.
- mapping: our table (policies/checkov/mapping/) giving each checkov id a severity and controls.
- runner: the one checkov process (targets batched), its JSON output parsed per target.
The source itself is policies/gate/sources/checkov.py.
"""
