package aws

import rego.v1

# Helpers shared by the rules of this pack. Written in a plain style that both embedded engines
# (regopy, regorus) evaluate identically: no `every`, no built-in that can raise at runtime
# (json.unmarshal is always guarded by json.is_valid, because regorus aborts where OPA is undefined).

# What a plan shows for a value it cannot: a secret, or Pulumi's unknown sentinel (infra/pulumi_wire.py;
# tests/policies/packs/test_rego_pack_metadata.py holds every pack's spelling to it).
opaque_values := {"[secret]", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}

# Values may be "[secret]" or Pulumi's unknown sentinel where an object or array is expected; such
# values become empty, so every rule written as "deny unless the good value is present" fails closed.
as_object(value) := value if is_object(value)

as_object(value) := {} if not is_object(value)

as_array(value) := value if is_array(value)

as_array(value) := [] if not is_array(value)

# pulumi-aws passes some booleans as strings ("true"); accept both spellings of true.
is_true(value) if value == true

is_true(value) if value == "true"

tags_of(resource) := as_object(object.get(resource, "tags", {}))

# A JSON document given as a string (IAM policies, addon configuration); undefined when not valid JSON.
parsed_json(text) := json.unmarshal(text) if {
	is_string(text)
	json.is_valid(text)
}

# Stack rules: the resources of the plan, and the region each one is deployed to via its provider.
stack_resources := as_array(object.get(input, "resources", []))

resources_of_type(type_token) := [r | some r in stack_resources; r.__type == type_token]

# A provider reference (plan_provider_reference, input_shapes.rego) is "<provider URN>::<provider id>" in a
# preview, or the bare URN (the analyzer's provider object, or no id). Lookups go through
# objects keyed by provider URN: scanning the resources once per resource made the stack rules
# quadratic (minutes on regopy for a few thousand resources).
provider_urn(ref) := ref if ref in object.keys(aws_provider_regions)

provider_urn(ref) := concat("::", array.slice(parts, 0, count(parts) - 1)) if {
	not ref in object.keys(aws_provider_regions)
	parts := split(ref, "::")
}

aws_provider_regions := {provider.__urn: object.get(provider, "region", "") |
	some provider in stack_resources
	provider.__type == "pulumi:providers:aws"
}

# Tags each provider adds to every resource (`defaultTags.tags`), given as an object or JSON string.
aws_provider_default_tags := {provider.__urn: tags |
	some provider in stack_resources
	provider.__type == "pulumi:providers:aws"
	tags := as_object(object.get(as_object(provider_default_tags_block(provider)), "tags", {}))
}

region_of(resource) := aws_provider_regions[provider_urn(plan_provider_reference(resource))]

provider_default_tags_block(provider) := provider.defaultTags if is_object(provider.defaultTags)

provider_default_tags_block(provider) := parsed_json(provider.defaultTags) if is_string(provider.defaultTags)

provider_default_tags_block(provider) := {} if not provider.defaultTags

effective_tags(resource) := object.union(default_tags, tags_of(resource)) if {
	default_tags := aws_provider_default_tags[provider_urn(plan_provider_reference(resource))]
}

effective_tags(resource) := tags_of(resource) if {
	not aws_provider_default_tags[provider_urn(plan_provider_reference(resource))]
}
