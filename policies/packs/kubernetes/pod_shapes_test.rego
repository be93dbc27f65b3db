package kubernetes_admission

import rego.v1

# One test per fixture of pod_shapes_fixtures_test.rego.

test_deny_privileged_container_allow_argo_rollout if {
	doc := fixtures.deny_privileged_container_allow_argo_rollout
	count(deny_privileged_container) == 0 with input as doc
}

test_deny_privileged_container_deny_argo_rollout if {
	doc := fixtures.deny_privileged_container_deny_argo_rollout
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_allow_kserve_model if {
	doc := fixtures.deny_privileged_container_allow_kserve_model
	count(deny_privileged_container) == 0 with input as doc
}

test_deny_privileged_container_deny_kserve_model if {
	doc := fixtures.deny_privileged_container_deny_kserve_model
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_deny_kserve_custom_container if {
	doc := fixtures.deny_privileged_container_deny_kserve_custom_container
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_allow_ray_cluster if {
	doc := fixtures.deny_privileged_container_allow_ray_cluster
	count(deny_privileged_container) == 0 with input as doc
}

test_deny_privileged_container_deny_ray_worker if {
	doc := fixtures.deny_privileged_container_deny_ray_worker
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_allow_kubeflow_job if {
	doc := fixtures.deny_privileged_container_allow_kubeflow_job
	count(deny_privileged_container) == 0 with input as doc
}

test_deny_privileged_container_deny_kubeflow_worker if {
	doc := fixtures.deny_privileged_container_deny_kubeflow_worker
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_allow_job_set if {
	doc := fixtures.deny_privileged_container_allow_job_set
	count(deny_privileged_container) == 0 with input as doc
}

test_deny_privileged_container_deny_job_set if {
	doc := fixtures.deny_privileged_container_deny_job_set
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_deny_leader_worker_set if {
	doc := fixtures.deny_privileged_container_deny_leader_worker_set
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_deny_pod_template if {
	doc := fixtures.deny_privileged_container_deny_pod_template
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_deny_unknown_kind if {
	doc := fixtures.deny_privileged_container_deny_unknown_kind
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_allow_spark if {
	doc := fixtures.deny_privileged_container_allow_spark
	count(deny_privileged_container) == 0 with input as doc
}

test_deny_privileged_container_deny_spark_driver if {
	doc := fixtures.deny_privileged_container_deny_spark_driver
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_host_namespaces_allow_spark if {
	doc := fixtures.deny_host_namespaces_allow_spark
	count(deny_host_namespaces) == 0 with input as doc
}

test_deny_host_namespaces_deny_spark_executor if {
	doc := fixtures.deny_host_namespaces_deny_spark_executor
	count(deny_host_namespaces) > 0 with input as doc
}

test_deny_host_namespaces_deny_ray_head if {
	doc := fixtures.deny_host_namespaces_deny_ray_head
	count(deny_host_namespaces) > 0 with input as doc
}

test_deny_host_path_volumes_allow_spark if {
	doc := fixtures.deny_host_path_volumes_allow_spark
	count(deny_host_path_volumes) == 0 with input as doc
}

test_deny_host_path_volumes_deny_spark if {
	doc := fixtures.deny_host_path_volumes_deny_spark
	count(deny_host_path_volumes) > 0 with input as doc
}

test_deny_host_path_volumes_deny_kubeflow_worker if {
	doc := fixtures.deny_host_path_volumes_deny_kubeflow_worker
	count(deny_host_path_volumes) > 0 with input as doc
}

test_deny_host_path_volumes_deny_secret_volumes if {
	doc := fixtures.deny_host_path_volumes_deny_secret_volumes
	count(deny_host_path_volumes) > 0 with input as doc
}

test_deny_privileged_container_allow_string_false if {
	doc := fixtures.deny_privileged_container_allow_string_false
	count(deny_privileged_container) == 0 with input as doc
}

test_deny_privileged_container_deny_string_true if {
	doc := fixtures.deny_privileged_container_deny_string_true
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_deny_secret if {
	doc := fixtures.deny_privileged_container_deny_secret
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_deny_unknown_security_context if {
	doc := fixtures.deny_privileged_container_deny_unknown_security_context
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_host_namespaces_deny_string_true if {
	doc := fixtures.deny_host_namespaces_deny_string_true
	count(deny_host_namespaces) > 0 with input as doc
}

test_deny_host_namespaces_deny_unknown if {
	doc := fixtures.deny_host_namespaces_deny_unknown
	count(deny_host_namespaces) > 0 with input as doc
}

test_deny_host_ports_allow_string_zero if {
	doc := fixtures.deny_host_ports_allow_string_zero
	count(deny_host_ports) == 0 with input as doc
}

test_deny_host_ports_deny_string if {
	doc := fixtures.deny_host_ports_deny_string
	count(deny_host_ports) > 0 with input as doc
}

test_deny_host_ports_deny_secret if {
	doc := fixtures.deny_host_ports_deny_secret
	count(deny_host_ports) > 0 with input as doc
}

test_deny_host_ports_deny_unknown_ports if {
	doc := fixtures.deny_host_ports_deny_unknown_ports
	count(deny_host_ports) > 0 with input as doc
}

test_deny_run_as_root_allow_string_user if {
	doc := fixtures.deny_run_as_root_allow_string_user
	count(deny_run_as_root) == 0 with input as doc
}

test_deny_run_as_root_deny_string_zero if {
	doc := fixtures.deny_run_as_root_deny_string_zero
	count(deny_run_as_root) > 0 with input as doc
}

test_deny_run_as_root_deny_unknown_user if {
	doc := fixtures.deny_run_as_root_deny_unknown_user
	count(deny_run_as_root) > 0 with input as doc
}

test_deny_added_capabilities_deny_secret_add if {
	doc := fixtures.deny_added_capabilities_deny_secret_add
	count(deny_added_capabilities) > 0 with input as doc
}

test_deny_pod_spec_not_assessable_allow_deployment if {
	doc := fixtures.deny_pod_spec_not_assessable_allow_deployment
	count(deny_pod_spec_not_assessable) == 0 with input as doc
}

test_deny_pod_spec_not_assessable_allow_rollout if {
	doc := fixtures.deny_pod_spec_not_assessable_allow_rollout
	count(deny_pod_spec_not_assessable) == 0 with input as doc
}

test_deny_pod_spec_not_assessable_deny_secret_template if {
	doc := fixtures.deny_pod_spec_not_assessable_deny_secret_template
	count(deny_pod_spec_not_assessable) > 0 with input as doc
}

test_deny_pod_spec_not_assessable_deny_unknown_containers if {
	doc := fixtures.deny_pod_spec_not_assessable_deny_unknown_containers
	count(deny_pod_spec_not_assessable) > 0 with input as doc
}

test_deny_pod_spec_not_assessable_deny_secret_container if {
	doc := fixtures.deny_pod_spec_not_assessable_deny_secret_container
	count(deny_pod_spec_not_assessable) > 0 with input as doc
}

test_deny_host_path_persistent_volume_allow_csi if {
	doc := fixtures.deny_host_path_persistent_volume_allow_csi
	count(deny_host_path_persistent_volume) == 0 with input as doc
}

test_deny_host_path_persistent_volume_deny_host_path if {
	doc := fixtures.deny_host_path_persistent_volume_deny_host_path
	count(deny_host_path_persistent_volume) > 0 with input as doc
}

test_deny_host_path_persistent_volume_deny_secret_spec if {
	doc := fixtures.deny_host_path_persistent_volume_deny_secret_spec
	count(deny_host_path_persistent_volume) > 0 with input as doc
}
test_deny_privileged_container_deny_argo_rollout_names_the_path if {
	doc := fixtures.deny_privileged_container_deny_argo_rollout
	deny_privileged_container == {"Rollout ai-models/fraud-scoring (spec.template.spec): containers \"server\" runs privileged"} with input as doc
}

test_deny_privileged_container_deny_kserve_model_names_the_path if {
	doc := fixtures.deny_privileged_container_deny_kserve_model
	deny_privileged_container == {"InferenceService ai-models/fraud-scoring (spec.predictor): model \"\" runs privileged"} with input as doc
}

test_deny_privileged_container_deny_ray_worker_names_the_path if {
	doc := fixtures.deny_privileged_container_deny_ray_worker
	deny_privileged_container == {"RayCluster ai-models/training (spec.workerGroupSpecs.0.template.spec): containers \"server\" runs privileged"} with input as doc
}

test_deny_privileged_container_deny_spark_driver_names_the_role if {
	doc := fixtures.deny_privileged_container_deny_spark_driver
	deny_privileged_container == {"SparkApplication ai-models/feature-build (spec.driver): driver \"driver\" runs privileged"} with input as doc
}

test_deny_host_ports_deny_string_names_the_port if {
	doc := fixtures.deny_host_ports_deny_string
	deny_host_ports == {"Deployment ai-models/fraud-scoring: containers \"server\" binds host port 8080"} with input as doc
}

test_deny_privileged_container_deny_string_true_is_coerced if {
	doc := fixtures.deny_privileged_container_deny_string_true
	deny_privileged_container == {"Deployment ai-models/fraud-scoring: containers \"server\" runs privileged"} with input as doc
}

test_deny_privileged_container_deny_secret_cannot_be_assessed if {
	doc := fixtures.deny_privileged_container_deny_secret
	expected := {"Deployment ai-models/fraud-scoring: containers \"server\" sets privileged to a value that cannot be assessed"}
	deny_privileged_container == expected with input as doc
}

test_deny_automount_service_account_token_allow_kserve_model if {
	doc := fixtures.deny_automount_service_account_token_allow_kserve_model
	count(deny_automount_service_account_token) == 0 with input as doc
}

test_deny_automount_service_account_token_deny_kserve_model if {
	doc := fixtures.deny_automount_service_account_token_deny_kserve_model
	count(deny_automount_service_account_token) > 0 with input as doc
}
