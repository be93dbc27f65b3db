package kubernetes_admission

import rego.v1

# Pod specs found by shape: custom resources that embed a pod template, each one compliant in its
# allow case and carrying one privileged (or host-level) setting in its deny case.

fx_unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

fx_privileged_container := fx_with_security(fx_container, {"privileged": true})

fx_privileged_pod_spec := fx_spec_with_containers([fx_privileged_container])

fx_rollout(pod_spec) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Rollout",
	"metadata": {"name": "fraud-scoring", "namespace": "ai-models"},
	"spec": {
		"replicas": 2,
		"selector": {"matchLabels": {"app": "fraud-scoring"}},
		"template": {"metadata": {"labels": {"app": "fraud-scoring"}}, "spec": pod_spec},
		"strategy": {"canary": {"steps": [{"setWeight": 20}]}},
	},
}

fx_inference_service(predictor) := {
	"apiVersion": "serving.kserve.io/v1beta1",
	"kind": "InferenceService",
	"metadata": {"name": "fraud-scoring", "namespace": "ai-models"},
	"spec": {"predictor": predictor},
}

# A KServe predictor names its model-server container by framework ("model") beside pod fields.
fx_predictor(model) := {
	"automountServiceAccountToken": false,
	"securityContext": fx_pod_spec.securityContext,
	"model": model,
}

fx_model := object.union(object.remove(fx_container, ["name", "ports", "livenessProbe", "readinessProbe"]), {"modelFormat": {"name": "sklearn"}, "storageUri": "s3://models/fraud"})

fx_ray_cluster(head_spec, worker_spec) := {
	"apiVersion": "ray.io/v1",
	"kind": "RayCluster",
	"metadata": {"name": "training", "namespace": "ai-models"},
	"spec": {
		"headGroupSpec": {"rayStartParams": {}, "template": {"spec": head_spec}},
		"workerGroupSpecs": [{"groupName": "gpu", "replicas": 2, "rayStartParams": {}, "template": {"spec": worker_spec}}],
	},
}

fx_pytorch_job(worker_spec) := {
	"apiVersion": "kubeflow.org/v1",
	"kind": "PyTorchJob",
	"metadata": {"name": "finetune", "namespace": "ai-models"},
	"spec": {"pytorchReplicaSpecs": {
		"Master": {"replicas": 1, "template": {"spec": fx_pod_spec}},
		"Worker": {"replicas": 4, "template": {"spec": worker_spec}},
	}},
}

fx_job_set(pod_spec) := {
	"apiVersion": "jobset.x-k8s.io/v1alpha2",
	"kind": "JobSet",
	"metadata": {"name": "pretrain", "namespace": "ai-models"},
	"spec": {"replicatedJobs": [{"name": "workers", "replicas": 2, "template": {"spec": {"template": {"spec": pod_spec}}}}]},
}

fx_leader_worker_set(pod_spec) := {
	"apiVersion": "leaderworkerset.x-k8s.io/v1",
	"kind": "LeaderWorkerSet",
	"metadata": {"name": "llm-serving", "namespace": "ai-models"},
	"spec": {"replicas": 1, "leaderWorkerTemplate": {"size": 2, "workerTemplate": {"spec": pod_spec}}},
}

fx_pod_template(pod_spec) := {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "batch", "namespace": "ai-models"}, "template": {"spec": pod_spec}}

# Spark Operator: driver and executor carry container and pod settings directly.
fx_spark_role := {
	"cores": 1,
	"memory": "2g",
	"serviceAccount": "spark",
	"securityContext": fx_container.securityContext,
	"podSecurityContext": fx_pod_spec.securityContext,
}

fx_spark_application(driver, executor, volumes) := {
	"apiVersion": "sparkoperator.k8s.io/v1beta2",
	"kind": "SparkApplication",
	"metadata": {"name": "feature-build", "namespace": "ai-models"},
	"spec": {
		"type": "Python",
		"mode": "cluster",
		"image": "ghcr.io/ai-platform/spark:3.5.1",
		"mainApplicationFile": "local:///opt/app/main.py",
		"sparkVersion": "3.5.1",
		"volumes": volumes,
		"driver": driver,
		"executor": executor,
	},
}

fixtures.deny_privileged_container_allow_argo_rollout := fx_review(fx_rollout(fx_pod_spec))

fixtures.deny_privileged_container_deny_argo_rollout := fx_review(fx_rollout(fx_privileged_pod_spec))

fixtures.deny_privileged_container_allow_kserve_model := fx_review(fx_inference_service(fx_predictor(fx_model)))

fixtures.deny_privileged_container_deny_kserve_model := fx_review(fx_inference_service(fx_predictor(fx_with_security(fx_model, {"privileged": true}))))

fixtures.deny_privileged_container_deny_kserve_custom_container := fx_review(fx_inference_service(fx_privileged_pod_spec))

fixtures.deny_privileged_container_allow_ray_cluster := fx_review(fx_ray_cluster(fx_pod_spec, fx_pod_spec))

fixtures.deny_privileged_container_deny_ray_worker := fx_review(fx_ray_cluster(fx_pod_spec, fx_privileged_pod_spec))

fixtures.deny_privileged_container_allow_kubeflow_job := fx_review(fx_pytorch_job(fx_pod_spec))

fixtures.deny_privileged_container_deny_kubeflow_worker := fx_review(fx_pytorch_job(fx_privileged_pod_spec))

fixtures.deny_privileged_container_allow_job_set := fx_review(fx_job_set(fx_pod_spec))

fixtures.deny_privileged_container_deny_job_set := fx_review(fx_job_set(fx_privileged_pod_spec))

fixtures.deny_privileged_container_deny_leader_worker_set := fx_review(fx_leader_worker_set(fx_privileged_pod_spec))

fixtures.deny_privileged_container_deny_pod_template := fx_review(fx_pod_template(fx_privileged_pod_spec))

# A custom resource nobody has heard of still has its pod spec checked, wherever it sits.
fixtures.deny_privileged_container_deny_unknown_kind := fx_review({
	"apiVersion": "example.com/v1",
	"kind": "Trainer",
	"metadata": {"name": "x", "namespace": "ai-models"},
	"spec": {"stages": [{"runner": {"pod": fx_privileged_pod_spec}}]},
})

fixtures.deny_privileged_container_allow_spark := fx_review(fx_spark_application(fx_spark_role, fx_spark_role, []))

fixtures.deny_privileged_container_deny_spark_driver := fx_review(fx_spark_application(fx_set(fx_spark_role, "securityContext", fx_merge(fx_container.securityContext, {"privileged": true})), fx_spark_role, []))

fixtures.deny_host_namespaces_allow_spark := fx_review(fx_spark_application(fx_spark_role, fx_spark_role, []))

fixtures.deny_host_namespaces_deny_spark_executor := fx_review(fx_spark_application(fx_spark_role, fx_set(fx_spark_role, "hostNetwork", true), []))

fixtures.deny_host_namespaces_deny_ray_head := fx_review(fx_ray_cluster(fx_set(fx_pod_spec, "hostPID", true), fx_pod_spec))

fixtures.deny_host_path_volumes_allow_spark := fx_review(fx_spark_application(fx_spark_role, fx_spark_role, [{"name": "scratch", "emptyDir": {}}]))

fixtures.deny_host_path_volumes_deny_spark := fx_review(fx_spark_application(fx_spark_role, fx_spark_role, [{"name": "node", "hostPath": {"path": "/"}}]))

fixtures.deny_host_path_volumes_deny_kubeflow_worker := fx_review(fx_pytorch_job(fx_set(fx_pod_spec, "volumes", [{"name": "node", "hostPath": {"path": "/"}}])))

fixtures.deny_host_path_volumes_deny_secret_volumes := fx_review(fx_deployment(fx_set(fx_pod_spec, "volumes", "[secret]")))

# Strings where the API expects booleans and numbers: coerced, or failing closed.
fixtures.deny_privileged_container_allow_string_false := fx_deployment_with_container(fx_with_security(fx_container, {"privileged": "false"}))

fixtures.deny_privileged_container_deny_string_true := fx_deployment_with_container(fx_with_security(fx_container, {"privileged": "True"}))

fixtures.deny_privileged_container_deny_secret := fx_deployment_with_container(fx_with_security(fx_container, {"privileged": "[secret]"}))

fixtures.deny_privileged_container_deny_unknown_security_context := fx_deployment_with_container(fx_set(fx_container, "securityContext", fx_unknown))

fixtures.deny_host_namespaces_deny_string_true := fx_review(fx_deployment(fx_set(fx_pod_spec, "hostNetwork", "true")))

fixtures.deny_host_namespaces_deny_unknown := fx_review(fx_deployment(fx_set(fx_pod_spec, "hostIPC", fx_unknown)))

fixtures.deny_host_ports_allow_string_zero := fx_deployment_with_container(fx_set(fx_container, "ports", [{"containerPort": 8080, "hostPort": "0"}]))

fixtures.deny_host_ports_deny_string := fx_deployment_with_container(fx_set(fx_container, "ports", [{"containerPort": 8080, "hostPort": "8080"}]))

fixtures.deny_host_ports_deny_secret := fx_deployment_with_container(fx_set(fx_container, "ports", [{"containerPort": 8080, "hostPort": "[secret]"}]))

fixtures.deny_host_ports_deny_unknown_ports := fx_deployment_with_container(fx_set(fx_container, "ports", fx_unknown))

fixtures.deny_run_as_root_allow_string_user := fx_deployment_with_container(fx_with_security(fx_container, {"runAsUser": "10001"}))

fixtures.deny_run_as_root_deny_string_zero := fx_deployment_with_container(fx_with_security(fx_container, {"runAsUser": "0"}))

fixtures.deny_run_as_root_deny_unknown_user := fx_deployment_with_container(fx_with_security(fx_container, {"runAsUser": fx_unknown}))

fixtures.deny_added_capabilities_deny_secret_add := fx_deployment_with_container(fx_with_security(fx_container, {"capabilities": {"drop": ["ALL"], "add": "[secret]"}}))

# Pod specs the gate cannot see into.
fixtures.deny_pod_spec_not_assessable_allow_deployment := fx_good_deployment

fixtures.deny_pod_spec_not_assessable_allow_rollout := fx_review(fx_rollout(fx_pod_spec))

fixtures.deny_pod_spec_not_assessable_deny_secret_template := fx_review(fx_set(fx_deployment(fx_pod_spec), "spec", {"replicas": 2, "template": "[secret]"}))

fixtures.deny_pod_spec_not_assessable_deny_unknown_containers := fx_review(fx_rollout(fx_set(fx_pod_spec, "containers", fx_unknown)))

fixtures.deny_pod_spec_not_assessable_deny_secret_container := fx_review(fx_deployment(fx_set(fx_pod_spec, "initContainers", ["[secret]"])))

# hostPath PersistentVolumes.
fx_persistent_volume(pv_spec) := {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "models"}, "spec": pv_spec}

fixtures.deny_host_path_persistent_volume_allow_csi := fx_review(fx_persistent_volume({"capacity": {"storage": "100Gi"}, "accessModes": ["ReadWriteMany"], "csi": {"driver": "efs.csi.aws.com", "volumeHandle": "fs-0123456789abcdef0"}}))

fixtures.deny_host_path_persistent_volume_deny_host_path := fx_review(fx_persistent_volume({"capacity": {"storage": "100Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/"}}))

fixtures.deny_host_path_persistent_volume_deny_secret_spec := fx_review(fx_set(fx_persistent_volume({}), "spec", "[secret]"))

fixtures.deny_automount_service_account_token_allow_kserve_model := fx_review(fx_inference_service(fx_predictor(fx_model)))

fixtures.deny_automount_service_account_token_deny_kserve_model := fx_review(fx_inference_service(object.remove(fx_predictor(fx_model), ["automountServiceAccountToken"])))
