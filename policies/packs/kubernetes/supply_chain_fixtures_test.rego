package kubernetes_admission

import rego.v1

fx_digest := "sha256:6f1c3a0e9d5b4c2a8e7f1d3b5a9c0e2f4d6b8a1c3e5f7a9b0d2c4e6f8a1b3c5d"

fx_pinned_container := fx_set(fx_container, "image", concat("@", ["ghcr.io/ai-platform/drift-job:0.1.0", fx_digest]))

fixtures.deny_image_not_pinned_by_digest_allow_digest := fx_deployment_with_container(fx_pinned_container)

fixtures.deny_image_not_pinned_by_digest_allow_digest_without_tag := fx_deployment_with_container(fx_set(fx_container, "image", concat("@", ["ghcr.io/ai-platform/drift-job", fx_digest])))

fixtures.deny_image_not_pinned_by_digest_deny_tag_only := fx_deployment_with_container(fx_set(fx_container, "image", "ghcr.io/ai-platform/drift-job:0.1.0"))

fixtures.deny_image_not_pinned_by_digest_deny_short_digest := fx_deployment_with_container(fx_set(fx_container, "image", "ghcr.io/ai-platform/drift-job@sha256:abc"))

fixtures.deny_image_not_pinned_by_digest_deny_init_container := fx_review(fx_deployment(fx_set(fx_spec_with_containers([fx_pinned_container]), "initContainers", [fx_set(fx_container, "image", "ghcr.io/ai-platform/init:1.0")])))

fixtures.deny_image_not_pinned_by_digest_deny_secret_image := fx_deployment_with_container(fx_set(fx_container, "image", "[secret]"))

fixtures.deny_image_not_pinned_by_digest_deny_cron_job := fx_review(fx_cron_job(fx_pod_spec))
