package kubernetes_admission

import rego.v1

fixtures.deny_privileged_container_allow_unprivileged := fx_good_deployment

fixtures.deny_privileged_container_deny_privileged := fx_deployment_with_container(fx_with_security(fx_container, {"privileged": true}))

# An init container counts as much as an app container.
fixtures.deny_privileged_container_deny_privileged_init_container := fx_review(fx_deployment(object.union(fx_pod_spec, {"initContainers": [fx_with_security(fx_merge(fx_container, {"name": "init"}), {"privileged": true})]})))

fixtures.deny_privilege_escalation_allow_disabled := fx_good_deployment

fixtures.deny_privilege_escalation_deny_unset := fx_deployment_with_container(fx_set(fx_container, "securityContext", object.remove(fx_container.securityContext, ["allowPrivilegeEscalation"])))

fixtures.deny_privilege_escalation_deny_ephemeral_container := fx_review(fx_pod(object.union(fx_pod_spec, {"ephemeralContainers": [{"name": "debugger", "image": "ghcr.io/ai-platform/debug:1.0.0", "securityContext": {"allowPrivilegeEscalation": true}}]})))

fixtures.deny_host_namespaces_allow_isolated := fx_good_deployment

fixtures.deny_host_namespaces_deny_host_network := fx_review(fx_deployment(object.union(fx_pod_spec, {"hostNetwork": true})))

fixtures.deny_host_namespaces_deny_host_pid_on_pod := fx_review(fx_pod(object.union(fx_pod_spec, {"hostPID": true})))

fixtures.deny_host_ports_allow_container_port := fx_good_deployment

fixtures.deny_host_ports_deny_host_port := fx_deployment_with_container(fx_set(fx_container, "ports", [{"containerPort": 8080, "hostPort": 8080}]))

fixtures.deny_host_path_volumes_allow_empty_dir := fx_review(fx_deployment(object.union(fx_pod_spec, {"volumes": [{"name": "tmp", "emptyDir": {}}]})))

fixtures.deny_host_path_volumes_deny_host_path := fx_review(fx_deployment(object.union(fx_pod_spec, {"volumes": [{"name": "docker", "hostPath": {"path": "/var/run/docker.sock"}}]})))

fixtures.deny_added_capabilities_allow_net_bind_service := fx_deployment_with_container(fx_with_security(fx_container, {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}))

fixtures.deny_added_capabilities_deny_sys_admin := fx_deployment_with_container(fx_with_security(fx_container, {"capabilities": {"drop": ["ALL"], "add": ["SYS_ADMIN"]}}))

fixtures.deny_capabilities_drop_all_allow_drop_all := fx_good_deployment

fixtures.deny_capabilities_drop_all_deny_drop_net_raw_only := fx_deployment_with_container(fx_with_security(fx_container, {"capabilities": {"drop": ["NET_RAW"]}}))

fixtures.deny_run_as_root_allow_non_root := fx_good_deployment

# Inherited from the pod: the container says nothing, the pod says runAsNonRoot.
fixtures.deny_run_as_root_allow_inherited_from_pod := fx_deployment_with_container(fx_set(fx_container, "securityContext", object.remove(fx_container.securityContext, ["runAsNonRoot"])))

fixtures.deny_run_as_root_deny_container_overrides_pod := fx_deployment_with_container(fx_with_security(fx_container, {"runAsNonRoot": false}))

fixtures.deny_run_as_root_deny_uid_zero := fx_deployment_with_container(fx_with_security(fx_container, {"runAsUser": 0}))

fixtures.deny_run_as_root_deny_root_cron_job := fx_review(fx_cron_job(object.union(object.remove(fx_pod_spec, ["securityContext"]), {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [fx_set(fx_container, "securityContext", object.remove(fx_container.securityContext, ["runAsNonRoot"]))]})))

fixtures.deny_writable_root_filesystem_allow_read_only := fx_good_deployment

fixtures.deny_writable_root_filesystem_deny_writable := fx_deployment_with_container(fx_with_security(fx_container, {"readOnlyRootFilesystem": false}))

fixtures.deny_seccomp_profile_allow_pod_runtime_default := fx_good_deployment

fixtures.deny_seccomp_profile_allow_container_localhost := fx_review(fx_deployment(object.union(object.remove(fx_pod_spec, ["securityContext"]), {"securityContext": {"runAsNonRoot": true}, "containers": [fx_with_security(fx_container, {"seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/model.json"}})]})))

fixtures.deny_seccomp_profile_deny_missing := fx_review(fx_deployment(object.union(object.remove(fx_pod_spec, ["securityContext"]), {"securityContext": {"runAsNonRoot": true}})))

fixtures.deny_seccomp_profile_deny_container_unconfined := fx_deployment_with_container(fx_with_security(fx_container, {"seccompProfile": {"type": "Unconfined"}}))

fixtures.deny_apparmor_unconfined_allow_runtime_default := fx_deployment_with_container(fx_with_security(fx_container, {"appArmorProfile": {"type": "RuntimeDefault"}}))

fixtures.deny_apparmor_unconfined_deny_field := fx_deployment_with_container(fx_with_security(fx_container, {"appArmorProfile": {"type": "Unconfined"}}))

fixtures.deny_apparmor_unconfined_deny_annotation := fx_review(fx_annotated_deployment(fx_pod_spec, {"container.apparmor.security.beta.kubernetes.io/server": "unconfined"}))

fixtures.deny_automount_service_account_token_allow_disabled := fx_good_deployment

fixtures.deny_automount_service_account_token_deny_default := fx_review(fx_deployment(object.remove(fx_pod_spec, ["automountServiceAccountToken"])))
