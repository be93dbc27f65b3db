"""The plan's AWS resources as a Terraform-plan JSON document for checkov's terraform_plan framework.

Rules (docs/policies/checkov.md, "checkov on a Pulumi plan"):
- only custom `aws:` resources; the Terraform type is derived from the token (terraform_names.py); a type checkov
  does not know leaves the resource in `unconverted`;
- attributes: camelCase → snake_case, objects → one-element list blocks, lists of objects → list blocks with the
  singular name Terraform uses, maps stay maps (which is which: the pulumi_aws SDK, sdk_shapes.py);
- a property that depends on another converted resource becomes a `references` expression in `configuration` and
  loses its planned value, as Terraform plans a value unknown until apply, so checkov's graph joins the two;
- unknown values (the preview sentinel) and secrets are left out of the planned values and listed in
  `after_unknown` / `after_sensitive`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra.pulumi_wire import SECRET, SECRET_SIGNATURE, SIGNATURE_KEY, UNKNOWN
from policies.gate.checkov.sdk_shapes import MAP, Shape, object_fields, resource_fields
from policies.gate.checkov.terraform_names import (
    TypeResolver,
    TypeToken,
    conversion_data,
    parse_token,
    singular,
    snake,
)
from policies.gate.subject import CloudResource

FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.0"  # checkov requires the field; no Terraform ran, the value only satisfies the format
PROVIDER_NAME = "registry.terraform.io/hashicorp/aws"
_NAME_CHARACTER = re.compile(r"[^A-Za-z0-9_-]")
_URN_SUFFIX_LENGTH = 8


@dataclass(frozen=True)
class TerraformPlan:
    document: dict[str, Any]  # format_version, terraform_version, planned_values, resource_changes, configuration
    addresses: dict[str, str]  # Terraform address (aws_s3_bucket.<name>) → Pulumi URN
    # Pulumi type → URNs of the AWS resources with no Terraform type checkov knows (listed in the report)
    unconverted: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Planned:
    resource: CloudResource
    token: TypeToken
    terraform_type: str
    name: str

    @property
    def address(self) -> str:
        return f"{self.terraform_type}.{self.name}"


@dataclass
class _Converted:
    """One attribute value: planned value (absent if `present` is False), config expression, unknown/secret masks."""

    value: Any = None
    present: bool = True
    expression: Any = None
    unknown: Any = None
    sensitive: Any = None


def is_secret(value: Any) -> bool:
    """`[secret]` as the CLI prints it, or the SDK's envelope (a plan from another producer)."""
    if isinstance(value, dict):
        return value.get(SIGNATURE_KEY) == SECRET_SIGNATURE
    return isinstance(value, str) and value == SECRET


def to_terraform_plan(
    resources: Sequence[CloudResource],
    known_types: frozenset[str],
    operations: Mapping[str, str] | None = None,
) -> TerraformPlan:
    """Convert the plan's `aws:` resources; `known_types` are the Terraform types checkov's checks name.

    `operations`: URN → the Pulumi step op (`create`, `update`, ...), for the change actions; absent → create.
    """
    resolver = TypeResolver(known_types)
    candidates: list[tuple[CloudResource, TypeToken, str]] = []
    unconverted: dict[str, list[str]] = {}
    for resource in resources:
        token = parse_token(resource.type) if resource.custom else None
        if token is None:
            continue  # not an AWS resource: providers, components, other packages
        terraform_type = resolver.resolve(token)
        if terraform_type is None:
            unconverted.setdefault(resource.type, []).append(resource.urn)
            continue
        candidates.append((resource, token, terraform_type))
    planned = _name(candidates)
    by_urn = {item.resource.urn: item for item in planned}
    planned_resources, changes, configuration = [], [], []
    for item in planned:
        values, expressions, unknown, sensitive = _attributes(item, by_urn)
        planned_resources.append(
            {
                "address": item.address,
                "mode": "managed",
                "type": item.terraform_type,
                "name": item.name,
                "provider_name": PROVIDER_NAME,
                "schema_version": 0,
                "values": values,
                "sensitive_values": sensitive,
            }
        )
        op = (operations or {}).get(item.resource.urn, "create")
        changes.append(
            {
                "address": item.address,
                "mode": "managed",
                "type": item.terraform_type,
                "name": item.name,
                "provider_name": PROVIDER_NAME,
                "change": {
                    "actions": list(conversion_data().step_actions.get(op, ("create",))),
                    "before": None,
                    "after": values,
                    "after_unknown": unknown,
                    "before_sensitive": False,
                    "after_sensitive": sensitive,
                },
            }
        )
        configuration.append(
            {
                "address": item.address,
                "mode": "managed",
                "type": item.terraform_type,
                "name": item.name,
                "provider_config_key": "aws",
                "expressions": expressions,
                "schema_version": 0,
            }
        )
    document = {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned_resources}},
        "resource_changes": changes,
        # No `provider_config`: checkov would check a provider block that maps to no resource of the plan (Pulumi's
        # providers are configured by the stack, not by the plan's resources).
        "configuration": {"root_module": {"resources": configuration}},
    }
    return TerraformPlan(
        document=document,
        addresses={item.address: item.resource.urn for item in planned},
        unconverted={pulumi_type: tuple(urns) for pulumi_type, urns in sorted(unconverted.items())},
    )


def terraform_name(pulumi_name: str) -> str:
    """A Terraform-valid resource name: letters, digits, `_`, `-`, not starting with a digit or `-`."""
    name = _NAME_CHARACTER.sub("_", pulumi_name) or "_"
    return name if re.match(r"[A-Za-z_]", name) else f"_{name}"


def _name(candidates: list[tuple[CloudResource, TypeToken, str]]) -> list[_Planned]:
    """Addresses unique per plan: colliding names (same type and name) all get a suffix from their URN's hash."""
    counts: dict[tuple[str, str], int] = {}
    for resource, _, terraform_type in candidates:
        key = (terraform_type, terraform_name(resource.name))
        counts[key] = counts.get(key, 0) + 1
    result = []
    for resource, token, terraform_type in candidates:
        name = terraform_name(resource.name)
        if counts[(terraform_type, name)] > 1:
            name = f"{name}_{hashlib.sha256(resource.urn.encode()).hexdigest()[:_URN_SUFFIX_LENGTH]}"
        result.append(_Planned(resource, token, terraform_type, name))
    return result


def _references(urns: Sequence[str], by_urn: Mapping[str, _Planned]) -> list[str]:
    references: list[str] = []
    for urn in urns:
        target = by_urn.get(urn)
        if target is not None:
            references += [f"{target.address}.id", target.address]
    return references


def _attributes(
    item: _Planned, by_urn: Mapping[str, _Planned]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    shapes = resource_fields(item.token.module, snake(item.token.member), item.token.cls)
    values: dict[str, Any] = {}
    expressions: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    sensitive: dict[str, Any] = {}
    for key, raw in item.resource.inputs.items():
        if key.startswith("__"):
            continue  # engine bookkeeping (`__defaults`), not an attribute
        name = snake(key)
        shape = shapes.get(name) if shapes is not None else None
        converted = _convert(raw, shape, item.token.module, shapes is not None and name in shapes)
        name = _block_name(name, raw, shape)
        targets = [by_urn[urn] for urn in item.resource.property_dependencies.get(key, []) if urn in by_urn]
        if targets and _is_scalar_or_scalars(raw):
            # The whole value is computed from the targets (`bucket`, `allocationId`, `subnetIds`), unless it is a
            # JSON document: a policy built from another resource's ARN is content checkov reads.
            references = [] if _is_json_document(raw) else _references([t.resource.urn for t in targets], by_urn)
            if references:
                # Terraform plans a value computed from another resource as unknown and names the reference in
                # the configuration: checkov builds its graph edge from that reference, so the planned value goes.
                converted = _Converted(present=False, expression={"references": references}, unknown=True)
        elif targets:
            converted = _reference_leaves(converted, name, targets)
        if converted.present:
            values[name] = converted.value
        if converted.expression is not None:
            expressions[name] = converted.expression
        if converted.unknown not in (None, False, {}, []):
            unknown[name] = converted.unknown
        if converted.sensitive not in (None, False, {}, []):
            sensitive[name] = converted.sensitive
    return values, expressions, unknown, sensitive


def _refers_to(leaf: str, block: str, target: _Planned) -> bool:
    """A nested leaf names what it refers to: `subnet_ids` an aws_subnet, `key_arn` an aws_kms_key, `bucket` an
    aws_s3_bucket; a bare `id`/`arn` takes its block's name (`launch_template.id`). Last words must agree."""
    words = leaf.split("_")
    if words[-1] in conversion_data().reference_suffixes:
        words = words[:-1] or block.split("_")
    return words[-1] == target.terraform_type.split("_")[-1]


def _is_json_document(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(("{", "["))


def _leaf_references(leaf: str, block: str, value: Any, targets: Sequence[_Planned]) -> list[str]:
    """The references a nested scalar (or list of scalars) stands for: the targets whose kind its name names."""
    if _is_json_document(value):
        return []
    named = [t.resource.urn for t in targets if _refers_to(leaf, block, t)]
    return _references(named, {t.resource.urn: t for t in targets})


def _reference_leaves(converted: _Converted, block: str, targets: Sequence[_Planned]) -> _Converted:
    """A nested property depends on other resources, but the plan does not say through which leaf: the leaves
    that name a target's kind (_refers_to) become references to it, as a scalar property does."""
    if not isinstance(converted.value, list):
        return converted
    expressions = converted.expression or [{} for _ in converted.value]
    for element, expression in zip(converted.value, expressions, strict=True):
        if isinstance(element, dict) and isinstance(expression, dict):
            _reference_in_block(element, expression, block, targets)
    converted.expression = expressions if any(expressions) else None
    return converted


def _reference_in_block(
    value: dict[str, Any], expression: dict[str, Any], block: str, targets: Sequence[_Planned]
) -> None:
    for key in list(value):
        item = value[key]
        if isinstance(item, list) and item and all(isinstance(child, dict) for child in item):
            children = expression.setdefault(key, [{} for _ in item])
            if isinstance(children, list) and len(children) == len(item):
                for child, child_expression in zip(item, children, strict=True):
                    _reference_in_block(child, child_expression, key, targets)
            if not any(children):
                expression.pop(key)
            continue
        if not _is_scalar_or_scalars(item):
            continue
        references = _leaf_references(key, block, item, targets)
        if references:
            del value[key]
            expression[key] = {"references": references}


def _is_scalar_or_scalars(value: Any) -> bool:
    if isinstance(value, list):
        return all(not isinstance(item, (dict, list)) for item in value)
    return not isinstance(value, dict) or is_secret(value)


def _block_name(name: str, raw: Any, shape: Shape) -> str:
    if isinstance(raw, list) and raw and all(isinstance(item, dict) for item in raw) and shape != MAP:
        return singular(name)
    return name


def _convert(raw: Any, shape: Shape, module: str, typed: bool) -> _Converted:
    """One value. `typed`: the SDK declares this field, so a dict without an Args shape is a map; an undeclared
    field's dict is an object when its keys look like attribute names (_looks_like_object)."""
    if is_secret(raw):
        return _Converted(present=False, sensitive=True)
    if raw == UNKNOWN:
        return _Converted(present=False, unknown=True)
    if isinstance(raw, dict):
        if shape == MAP or (shape is None and (typed or not _looks_like_object(raw))):
            return _convert_map(raw)
        block = _convert_object(raw, shape, module)
        return _Converted(
            value=[block.value],
            expression=[block.expression] if block.expression else None,
            unknown=[block.unknown] if block.unknown else None,
            sensitive=[block.sensitive] if block.sensitive else None,
        )
    if isinstance(raw, list):
        if raw and all(isinstance(item, dict) for item in raw) and shape != MAP:
            blocks = [_convert_object(item, shape, module) for item in raw]
            return _Converted(
                value=[block.value for block in blocks],
                expression=[block.expression or {} for block in blocks]
                if any(block.expression for block in blocks)
                else None,
                unknown=[block.unknown or {} for block in blocks] if any(block.unknown for block in blocks) else None,
                sensitive=[block.sensitive or {} for block in blocks]
                if any(block.sensitive for block in blocks)
                else None,
            )
        items = [_convert(item, None, module, typed) for item in raw]
        masked_unknown = [bool(item.unknown) for item in items]
        masked_secret = [bool(item.sensitive) for item in items]
        return _Converted(
            # An opaque element stays a null in its place, as in Terraform's `after`; the masks say which.
            value=[item.value if item.present else None for item in items],
            unknown=masked_unknown if any(masked_unknown) else None,
            sensitive=masked_secret if any(masked_secret) else None,
        )
    return _Converted(value=raw)


def _convert_map(raw: dict[str, Any]) -> _Converted:
    """A map keeps its keys; opaque entries leave the planned value and are marked."""
    value = {key: item for key, item in raw.items() if not is_secret(item) and item != UNKNOWN}
    unknown = {key: True for key, item in raw.items() if item == UNKNOWN}
    sensitive = {key: True for key, item in raw.items() if is_secret(item)}
    return _Converted(value=value, unknown=unknown or None, sensitive=sensitive or None)


def _convert_object(raw: dict[str, Any], shape: Shape, module: str) -> _Converted:
    fields = object_fields(module, shape) if shape and shape != MAP else None
    value: dict[str, Any] = {}
    expression: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    sensitive: dict[str, Any] = {}
    for key, item in raw.items():
        name = snake(key)
        child_shape = fields.get(name) if fields is not None else None
        converted = _convert(item, child_shape, module, fields is not None and name in fields)
        name = _block_name(name, item, child_shape)
        if converted.present:
            value[name] = converted.value
        if converted.expression:
            expression[name] = converted.expression
        if converted.unknown:
            unknown[name] = converted.unknown
        if converted.sensitive:
            sensitive[name] = converted.sensitive
    return _Converted(value=value, expression=expression or None, unknown=unknown or None, sensitive=sensitive or None)


def _looks_like_object(raw: dict[str, Any]) -> bool:
    """Without the SDK's word: an object when every key is a lowerCamel identifier (map keys rarely are)."""
    return bool(raw) and all(re.fullmatch(r"[a-z][A-Za-z0-9]*", key) for key in raw)
