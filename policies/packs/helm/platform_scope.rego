package helm

import rego.v1

# Governance scope (policies/README.md): rules with `custom.scope: platform` in their
# METADATA hold only for this platform's own stacks, so each of their bodies starts with `platform_stack`.
# A stack is ours when a resource's URN (urn:pulumi:<stack>::<project>::<type>::<name>) names the project of
# Pulumi.yaml, which is also the stack config's namespace (infra/config/errors.py NAMESPACE). The URN is what
# both the gate and `pulumi preview --policy-pack` pass (the analyzer has no stack config), and one resource
# of ours is enough, so adding a foreign resource to a plan cannot switch these rules off. The same test
# is the gate's (policies/gate/scope.py); tests/policies/gate/test_gate_scope.py holds the two together and
# keeps this file the same in every pack.
platform_project := "ai-platform"

platform_stack if {
	some resource in input.resources
	urn := object.get(resource, "__urn", "")
	is_string(urn)
	parts := split(urn, "::")
	count(parts) >= 4
	parts[1] == platform_project
}
