package helm

import rego.v1

fx_unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

# deny_chart_not_known
fixtures.deny_chart_not_known_allow_listed_chart := good_release

fixtures.deny_chart_not_known_allow_oci_reference := good_karpenter

fixtures.deny_chart_not_known_allow_repository_with_trailing_slash := good_dcgm

fixtures.deny_chart_not_known_allow_device_plugin := good_device_plugin

fixtures.deny_chart_not_known_deny_device_plugin_from_other_repository := fx_set(
	good_device_plugin, "repositoryOpts",
	{"repo": "https://charts.example.org/nvidia"},
)

fixtures.deny_chart_not_known_allow_cert_manager := good_cert_manager

fixtures.deny_chart_not_known_allow_trust_manager := good_trust_manager

fixtures.deny_chart_not_known_deny_cert_manager_from_other_repository := fx_set(
	good_cert_manager, "repositoryOpts",
	{"repo": "https://charts.example.org/jetstack"},
)

fixtures.deny_chart_not_known_deny_unlisted_chart := fx_set(good_release, "chart", "some-operator")

fixtures.deny_chart_not_known_deny_listed_name_from_other_repository := fx_set(
	good_release, "repositoryOpts",
	{"repo": "https://charts.example.org/mirror"},
)

fixtures.deny_chart_not_known_deny_local_alias := object.remove(
	fx_set(good_release, "chart", "prometheus-community/kube-prometheus-stack"),
	["repositoryOpts"],
)

fixtures.deny_chart_not_known_deny_secret_chart := fx_set(good_release, "chart", "[secret]")

fixtures.deny_chart_not_known_deny_oci_lookalike := fx_set(good_karpenter, "chart", "oci://public.ecr.aws/karpenter-evil/karpenter")

# deny_values_not_assessable
fixtures.deny_values_not_assessable_allow_plain_values := good_release

fixtures.deny_values_not_assessable_allow_no_values := object.remove(good_release, ["values"])

fixtures.deny_values_not_assessable_deny_secret_values := fx_values(good_release, "[secret]")

fixtures.deny_values_not_assessable_deny_unknown_values := fx_values(good_release, fx_unknown)

fixtures.deny_values_not_assessable_deny_values_as_text := fx_values(good_release, "hostNetwork: true")

fixtures.deny_values_not_assessable_deny_nested_secret := fx_values(good_release, {"grafana": {"securityContext": "[secret]"}})

fixtures.deny_values_not_assessable_deny_nested_unknown := fx_values(good_release, {"prometheus-node-exporter": {"hostNetwork": fx_unknown}})

fixtures.deny_values_not_assessable_deny_secret_envelope := fx_values(
	good_release,
	{"grafana": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": {"privileged": true}}},
)

fixtures.deny_values_not_assessable_deny_value_files := fx_set(good_release, "valueYamlFiles", [{"path": "values-prod.yaml"}])

fixtures.deny_values_not_assessable_deny_post_renderer := fx_set(good_release, "postrender", "/usr/local/bin/kustomize-wrapper")

fixtures.deny_values_not_assessable_allow_empty_extra_manifests := fx_values(good_dcgm, {"extraManifests": [], "extraObjects": {}})

fixtures.deny_values_not_assessable_deny_extra_manifests := fx_values(
	good_release,
	{"extraManifests": [{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "x"}}]},
)

fixtures.deny_values_not_assessable_deny_extra_objects_as_text := fx_values(good_dcgm, {"extraObjects": ["apiVersion: v1\nkind: Pod\n"]})

# deny_chart_version_not_pinned
fixtures.deny_chart_version_not_pinned_allow_exact_version := good_release

fixtures.deny_chart_version_not_pinned_allow_v_prefix_and_prerelease := fx_set(good_release, "version", "v1.2.3-rc.1")

fixtures.deny_chart_version_not_pinned_deny_missing := object.remove(good_release, ["version"])

fixtures.deny_chart_version_not_pinned_deny_range := fx_set(good_release, "version", ">=65.0.0")

fixtures.deny_chart_version_not_pinned_deny_major_only := fx_set(good_release, "version", "65")

fixtures.deny_chart_version_not_pinned_deny_latest := fx_set(good_release, "version", "latest")

fixtures.deny_chart_version_not_pinned_deny_unknown := fx_set(good_release, "version", fx_unknown)

fx_chart_component := fx_set(fx_set(good_release, "__type", "kubernetes:helm.sh/v4:Chart"), "__urn", "urn:pulumi:prod::ai-platform::kubernetes:helm.sh/v4:Chart::operator")

fixtures.deny_chart_version_not_pinned_allow_chart_component_pinned := fx_chart_component

fixtures.deny_chart_version_not_pinned_deny_chart_component_without_version := object.remove(fx_chart_component, ["version"])

# deny_host_access_in_values
fixtures.deny_host_access_in_values_allow_chart_listed_host_network := good_release

fixtures.deny_host_access_in_values_allow_flags_false := fx_values(good_dcgm, {"securityContext": {"privileged": false, "allowPrivilegeEscalation": "false"}})

fixtures.deny_host_access_in_values_deny_privileged := fx_values(good_dcgm, {"securityContext": {"privileged": true}})

fixtures.deny_host_access_in_values_deny_privileged_as_text := fx_values(good_dcgm, {"securityContext": {"privileged": "True"}})

fixtures.deny_host_access_in_values_deny_yaml11_yes := fx_values(good_karpenter, {"hostNetwork": "yes"})

fixtures.deny_host_access_in_values_deny_host_network_not_listed := fx_values(good_release, {"prometheusOperator": {"hostNetwork": true}})

fixtures.deny_host_access_in_values_deny_in_list := fx_values(good_dcgm, {"extraContainers": [{"securityContext": {"allowPrivilegeEscalation": true}}]})

fixtures.deny_host_access_in_values_deny_unknown_chart := fx_set(
	fx_set(good_release, "chart", "some-operator"), "values",
	{"prometheus-node-exporter": {"hostNetwork": true}},
)

fixtures.deny_host_access_in_values_allow_device_plugin := good_device_plugin

fixtures.deny_host_access_in_values_deny_device_plugin_privileged_gfd := fx_values(
	good_device_plugin,
	{"gfd": {"enabled": true, "securityContext": {"privileged": true}}},
)

fixtures.deny_host_access_in_values_deny_host_pid := fx_values(good_karpenter, {"hostPID": true})

fixtures.deny_host_access_in_values_deny_host_ipc := fx_values(good_karpenter, {"controller": {"hostIPC": true}})

# deny_image_registry_not_allowed
fixtures.deny_image_registry_not_allowed_allow_chart_registries := good_release

fixtures.deny_image_registry_not_allowed_allow_registry_and_repository := good_dcgm

fixtures.deny_image_registry_not_allowed_allow_full_reference := good_karpenter

fixtures.deny_image_registry_not_allowed_allow_device_plugin := good_device_plugin

fixtures.deny_image_registry_not_allowed_deny_device_plugin_image_elsewhere := fx_values(
	good_device_plugin,
	{"image": {"repository": "docker.io/nvidia/k8s-device-plugin", "tag": "v0.20.0"}},
)

fixtures.deny_image_registry_not_allowed_deny_other_registry := fx_values(good_dcgm, {"image": {"registry": "ghcr.io", "repository": "nvidia/k8s/dcgm-exporter"}})

fixtures.deny_image_registry_not_allowed_deny_docker_hub_short_name := fx_values(good_karpenter, {"controller": {"image": {"repository": "attacker/controller"}}})

fixtures.deny_image_registry_not_allowed_deny_image_string := fx_values(good_release, {"grafana": {"image": "docker.io/attacker/grafana:latest"}})

fixtures.deny_image_registry_not_allowed_deny_global_registry := fx_values(good_release, {"global": {"imageRegistry": "registry.example.org"}})

fixtures.deny_image_registry_not_allowed_deny_lookalike_host := fx_values(good_karpenter, {"controller": {"image": {"repository": "public.ecr.aws/karpenter-evil/controller"}}})
