package kubernetes_admission

import rego.v1

fixtures.deny_missing_resources_allow_requests_and_limits := fx_good_deployment

fixtures.deny_missing_resources_deny_no_limits := fx_deployment_with_container(fx_set(fx_container, "resources", {"requests": {"cpu": "1", "memory": "1Gi"}}))

fixtures.deny_missing_resources_deny_init_container_without_resources := fx_review(fx_deployment(object.union(fx_pod_spec, {"initContainers": [object.remove(fx_merge(fx_container, {"name": "migrate"}), ["resources"])]})))

fx_gpu_container := fx_merge(fx_container, {"resources": {"requests": {"nvidia.com/gpu": 1}, "limits": {"nvidia.com/gpu": 1}}})

fixtures.deny_gpu_without_toleration_allow_tolerating := fx_review(fx_deployment(object.union(fx_spec_with_containers([fx_gpu_container]), {"tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]})))

fixtures.deny_gpu_without_toleration_allow_cpu_only := fx_good_deployment

fixtures.deny_gpu_without_toleration_deny_no_toleration := fx_review(fx_deployment(fx_spec_with_containers([fx_gpu_container])))

fixtures.deny_gpu_without_toleration_deny_wrong_effect := fx_review(fx_deployment(object.union(fx_spec_with_containers([fx_gpu_container]), {"tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoExecute"}]})))

fixtures.deny_image_latest_tag_allow_version_tag := fx_good_deployment

fixtures.deny_image_latest_tag_allow_digest := fx_deployment_with_container(fx_merge(fx_container, {"image": "ghcr.io/ai-platform/model-server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}))

fixtures.deny_image_latest_tag_allow_registry_port := fx_deployment_with_container(fx_merge(fx_container, {"image": "registry.k8s.io:5000/pause:3.10"}))

fixtures.deny_image_latest_tag_deny_latest := fx_deployment_with_container(fx_merge(fx_container, {"image": "ghcr.io/ai-platform/model-server:latest"}))

fixtures.deny_image_latest_tag_deny_untagged := fx_deployment_with_container(fx_merge(fx_container, {"image": "ghcr.io/ai-platform/model-server"}))

fixtures.deny_image_latest_tag_deny_untagged_behind_registry_port := fx_deployment_with_container(fx_merge(fx_container, {"image": "registry.k8s.io:5000/pause"}))

fixtures.deny_image_registry_not_allowed_allow_listed_registry := fx_good_deployment

fixtures.deny_image_registry_not_allowed_deny_docker_hub := fx_deployment_with_container(fx_merge(fx_container, {"image": "nginx:1.27"}))

fixtures.deny_image_registry_not_allowed_deny_without_parameters := object.remove(fx_good_deployment, ["parameters"])

fixtures.deny_missing_probes_allow_probed := fx_good_deployment

# A CronJob runs to completion: no probes required.
fixtures.deny_missing_probes_allow_cron_job := fx_review(fx_cron_job(fx_spec_with_containers([object.remove(fx_container, ["livenessProbe", "readinessProbe"])])))

fixtures.deny_missing_probes_deny_no_readiness := fx_deployment_with_container(object.remove(fx_container, ["readinessProbe"]))

fixtures.deny_missing_probes_deny_stateful_set_without_probes := fx_review(fx_set(fx_deployment(fx_spec_with_containers([object.remove(fx_container, ["livenessProbe", "readinessProbe"])])), "kind", "StatefulSet"))
