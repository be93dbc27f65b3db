"""Every input key of every aws:* resource, at every nesting level, is one the pulumi-aws SDK declares.

Under mocks a nested dict with a misspelled key (`{"endpointPrivateAcess": True}` inside `vpcConfig`) is sent as
is and recorded without complaint; only a real `pulumi up` would reject or silently drop it. The SDK's own type
metadata says which keys exist: each `@pulumi.input_type` class has property getters carrying the wire name
(`_pulumi_name`, read via `pulumi._types.input_type_py_to_pulumi_names`) and return annotations naming the nested
input types (`pulumi._types.input_type_types`, with `Input[...]`/`Optional[...]` unwrapped).
"""

from __future__ import annotations

import copy
import difflib
import functools
import importlib
import inspect
import sys
import types
import typing
from collections import abc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi import _types as pulumi_types

from tests.infra.plan_view import PlanView, Resource

CLUSTER = "aws:eks/cluster:Cluster"


@dataclass(frozen=True)
class UnknownKey:
    type: str
    urn: str
    path: str
    known: tuple[str, ...]

    def __str__(self) -> str:
        key = self.path.rsplit(".", 1)[-1]
        close = difflib.get_close_matches(key, self.known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{self.type} {self.urn}: unknown input {self.path}{hint}"


@functools.cache
def args_type(token: str) -> type:
    """The `*Args` input type of the resource class a type token names (`aws:eks/cluster:Cluster` -> ClusterArgs)."""
    package, module_path, class_name = token.split(":")
    assert package == "aws", token
    module_name = module_path.split("/")[0]
    module = importlib.import_module("pulumi_aws" if module_name == "index" else f"pulumi_aws.{module_name}")
    resource_cls = getattr(module, class_name)
    # Take the args class from the module that defines the resource, not the package namespace: where a name is
    # taken by a nested type (s3's `BucketVersioningArgs`) the resource's own is `BucketVersioningInitArgs`, and
    # the package-level name resolves to the nested one. Each resource module defines its args and `_*State`.
    defining = sys.modules[resource_cls.__module__]
    candidates = [
        obj
        for name, obj in vars(defining).items()
        if inspect.isclass(obj)
        and obj.__module__ == defining.__name__
        and pulumi_types.is_input_type(obj)
        and not name.startswith("_")
    ]
    assert len(candidates) == 1, f"{token}: expected one args class in {defining.__name__}, found {candidates}"
    return candidates[0]


def alternatives(hint: Any) -> list[Any]:
    """The types a property annotation admits: Input/Output/Awaitable/Optional unwrapped, unions flattened."""
    hint = pulumi_types.unwrap_type(hint)
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        result: list[Any] = []
        for arg in typing.get_args(hint):
            for alternative in alternatives(arg):
                if alternative not in result:
                    result.append(alternative)
        return result
    if origin in (pulumi.Output, abc.Awaitable):
        (inner,) = typing.get_args(hint)
        return alternatives(inner)
    if hint is type(None):
        return []
    return [hint]


def is_mapping(hint: Any) -> bool:
    return hint is dict or typing.get_origin(hint) in (dict, abc.Mapping)


def is_sequence(hint: Any) -> bool:
    return typing.get_origin(hint) in (list, abc.Sequence)


def unknown_keys_in_object(cls: type, value: dict[str, Any], path: str) -> list[tuple[str, tuple[str, ...]]]:
    known = tuple(pulumi_types.input_type_py_to_pulumi_names(cls).values())
    nested = pulumi_types.input_type_types(cls)
    found: list[tuple[str, tuple[str, ...]]] = []
    for key, item in value.items():
        key_path = f"{path}.{key}" if path else key
        if key not in known:
            found.append((key_path, known))
        elif key in nested:
            found += unknown_keys(nested[key], item, key_path)
    return found


def unknown_keys(hint: Any, value: Any, path: str) -> list[tuple[str, tuple[str, ...]]]:
    """(key path, keys known at that level) for each key in `value` that the annotation `hint` does not declare.

    Secrets (`[secret]`), unknowns and resource references are strings on the wire, so they end the walk."""
    kinds = alternatives(hint)
    if isinstance(value, dict):
        objects = [k for k in kinds if inspect.isclass(k) and pulumi_types.is_input_type(k)]
        maps = [k for k in kinds if is_mapping(k)]
        if objects:
            # An object input (or a union of them: judge against the member the value fits best).
            return min((unknown_keys_in_object(cls, value, path) for cls in objects), key=len)
        if len(maps) == 1 and len(typing.get_args(maps[0])) == 2:
            # A map: keys are user data (tags, labels); its values may still be typed objects.
            value_type = typing.get_args(maps[0])[1]
            return [
                found for key, item in value.items() for found in unknown_keys(value_type, item, f"{path}[{key!r}]")
            ]
        return []  # `Any`, or a dict the SDK passes through untyped (e.g. a JSON policy given as a dict)
    if isinstance(value, list):
        element_types = [typing.get_args(k)[0] for k in kinds if is_sequence(k) and typing.get_args(k)]
        if len(element_types) != 1:
            return []
        return [found for i, item in enumerate(value) for found in unknown_keys(element_types[0], item, f"{path}[{i}]")]
    return []


def check_resource(resource: Resource) -> Iterator[UnknownKey]:
    for path, known in unknown_keys(args_type(resource.type), resource.inputs, ""):
        yield UnknownKey(resource.type, resource.urn, path, known)


def aws_resources(plan: PlanView) -> list[Resource]:
    return [r for r in plan.resources if r.custom and r.type.startswith("aws:")]


def test_every_aws_input_key_is_declared_by_the_provider_sdk(plan: PlanView) -> None:
    resources = aws_resources(plan)
    assert resources, "the plan declares no aws:* resources"
    unknown = [finding for resource in resources for finding in check_resource(resource)]
    assert not unknown, "inputs the pulumi-aws SDK does not declare:\n" + "\n".join(str(u) for u in unknown)


def test_the_checker_catches_a_misspelled_nested_key(plans: dict[str, PlanView]) -> None:
    cluster = plans["prod"].of_type(CLUSTER)[0]
    assert not list(check_resource(cluster)), "the unmodified cluster must pass for this check to mean anything"

    inputs = copy.deepcopy(cluster.inputs)
    inputs["vpcConfig"]["endpointPrivateAcess"] = inputs["vpcConfig"].pop("endpointPrivateAccess")
    inputs["encryptionConfig"]["provider"]["keyARN"] = inputs["encryptionConfig"]["provider"].pop("keyArn")
    inputs["tags"]["anyFreeFormKey"] = "is fine"  # map keys are user data, not schema
    mutated = Resource(cluster.urn, cluster.type, True, inputs, cluster.parent, cluster.provider, cluster.dependencies)

    found = list(check_resource(mutated))
    assert sorted(f.path for f in found) == ["encryptionConfig.provider.keyARN", "vpcConfig.endpointPrivateAcess"]
    assert all(f.type == CLUSTER and f.urn == cluster.urn for f in found)
    assert "did you mean 'endpointPrivateAccess'?" in str(next(f for f in found if "vpc" in f.path))


def test_the_checker_walks_into_lists_of_objects() -> None:
    inputs = {"tagSpecifications": [{"resourceType": "instance", "tagz": {"a": "b"}}], "metadataOptions": "[secret]"}
    resource = Resource("urn:x", "aws:ec2/launchTemplate:LaunchTemplate", True, inputs, "", "", [])
    assert [f.path for f in check_resource(resource)] == ["tagSpecifications[0].tagz"]
