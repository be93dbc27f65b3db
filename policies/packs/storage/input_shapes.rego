package storage

import rego.v1

# A resource's provider and its inputs' dependencies arrive in two shapes. The gate's
# (policies/gate/sources/rego.py): `__provider` is the plan's "<provider URN>::<provider id>" string and
# `__propertyDependencies` maps inputs to URNs. pulumi-policy-opa's, under `pulumi preview --policy-pack`:
# `__provider` is an object {type, name, urn, properties} and a stack input's resources carry
# `propertyDependencies` (README "Deploy"). Rules read both through these functions, so that they mean the
# same under either; tests/policies/analyzer/test_analyzer_shapes.py compares the two, and keeps this file
# the same in every pack that has it.
plan_provider_reference(resource) := ref if {
	ref := resource.__provider
	is_string(ref)
} else := ref if {
	ref := resource.__provider.urn
	is_string(ref)
} else := ""

plan_property_dependencies(resource) := dependencies if {
	dependencies := resource.__propertyDependencies
	is_object(dependencies)
} else := dependencies if {
	dependencies := resource.propertyDependencies
	is_object(dependencies)
} else := {}

# A resource input that shares its key with the analyzer's metadata (`name`, `type`, `urn`, `options`,
# `provider`, `properties`): the analyzer puts the resource's logical name at the top-level `name` of a
# resource that has no `name` input, so an input is read from `__properties` where the analyzer gives it.
plan_input(resource, key, fallback) := object.get(resource.__properties, key, fallback) if {
	is_object(resource.__properties)
} else := object.get(resource, key, fallback)
