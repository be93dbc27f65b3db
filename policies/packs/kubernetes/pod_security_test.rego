package kubernetes_admission

import rego.v1

# One test per fixture (see the *_fixtures_test.rego next to this file): an allow case keeps
# the rule silent, a deny case makes it fire.

test_deny_privileged_container_allow_unprivileged if {
	doc := fixtures.deny_privileged_container_allow_unprivileged
	count(deny_privileged_container) == 0 with input as doc
}

test_deny_privileged_container_deny_privileged if {
	doc := fixtures.deny_privileged_container_deny_privileged
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privileged_container_deny_privileged_init_container if {
	doc := fixtures.deny_privileged_container_deny_privileged_init_container
	count(deny_privileged_container) > 0 with input as doc
}

test_deny_privilege_escalation_allow_disabled if {
	doc := fixtures.deny_privilege_escalation_allow_disabled
	count(deny_privilege_escalation) == 0 with input as doc
}

test_deny_privilege_escalation_deny_unset if {
	doc := fixtures.deny_privilege_escalation_deny_unset
	count(deny_privilege_escalation) > 0 with input as doc
}

test_deny_privilege_escalation_deny_ephemeral_container if {
	doc := fixtures.deny_privilege_escalation_deny_ephemeral_container
	count(deny_privilege_escalation) > 0 with input as doc
}

test_deny_host_namespaces_allow_isolated if {
	doc := fixtures.deny_host_namespaces_allow_isolated
	count(deny_host_namespaces) == 0 with input as doc
}

test_deny_host_namespaces_deny_host_network if {
	doc := fixtures.deny_host_namespaces_deny_host_network
	count(deny_host_namespaces) > 0 with input as doc
}

test_deny_host_namespaces_deny_host_pid_on_pod if {
	doc := fixtures.deny_host_namespaces_deny_host_pid_on_pod
	count(deny_host_namespaces) > 0 with input as doc
}

test_deny_host_ports_allow_container_port if {
	doc := fixtures.deny_host_ports_allow_container_port
	count(deny_host_ports) == 0 with input as doc
}

test_deny_host_ports_deny_host_port if {
	doc := fixtures.deny_host_ports_deny_host_port
	count(deny_host_ports) > 0 with input as doc
}

test_deny_host_path_volumes_allow_empty_dir if {
	doc := fixtures.deny_host_path_volumes_allow_empty_dir
	count(deny_host_path_volumes) == 0 with input as doc
}

test_deny_host_path_volumes_deny_host_path if {
	doc := fixtures.deny_host_path_volumes_deny_host_path
	count(deny_host_path_volumes) > 0 with input as doc
}

test_deny_added_capabilities_allow_net_bind_service if {
	doc := fixtures.deny_added_capabilities_allow_net_bind_service
	count(deny_added_capabilities) == 0 with input as doc
}

test_deny_added_capabilities_deny_sys_admin if {
	doc := fixtures.deny_added_capabilities_deny_sys_admin
	count(deny_added_capabilities) > 0 with input as doc
}

test_deny_capabilities_drop_all_allow_drop_all if {
	doc := fixtures.deny_capabilities_drop_all_allow_drop_all
	count(deny_capabilities_drop_all) == 0 with input as doc
}

test_deny_capabilities_drop_all_deny_drop_net_raw_only if {
	doc := fixtures.deny_capabilities_drop_all_deny_drop_net_raw_only
	count(deny_capabilities_drop_all) > 0 with input as doc
}

test_deny_run_as_root_allow_non_root if {
	doc := fixtures.deny_run_as_root_allow_non_root
	count(deny_run_as_root) == 0 with input as doc
}

test_deny_run_as_root_allow_inherited_from_pod if {
	doc := fixtures.deny_run_as_root_allow_inherited_from_pod
	count(deny_run_as_root) == 0 with input as doc
}

test_deny_run_as_root_deny_container_overrides_pod if {
	doc := fixtures.deny_run_as_root_deny_container_overrides_pod
	count(deny_run_as_root) > 0 with input as doc
}

test_deny_run_as_root_deny_uid_zero if {
	doc := fixtures.deny_run_as_root_deny_uid_zero
	count(deny_run_as_root) > 0 with input as doc
}

test_deny_run_as_root_deny_root_cron_job if {
	doc := fixtures.deny_run_as_root_deny_root_cron_job
	count(deny_run_as_root) > 0 with input as doc
}

test_deny_writable_root_filesystem_allow_read_only if {
	doc := fixtures.deny_writable_root_filesystem_allow_read_only
	count(deny_writable_root_filesystem) == 0 with input as doc
}

test_deny_writable_root_filesystem_deny_writable if {
	doc := fixtures.deny_writable_root_filesystem_deny_writable
	count(deny_writable_root_filesystem) > 0 with input as doc
}

test_deny_seccomp_profile_allow_pod_runtime_default if {
	doc := fixtures.deny_seccomp_profile_allow_pod_runtime_default
	count(deny_seccomp_profile) == 0 with input as doc
}

test_deny_seccomp_profile_allow_container_localhost if {
	doc := fixtures.deny_seccomp_profile_allow_container_localhost
	count(deny_seccomp_profile) == 0 with input as doc
}

test_deny_seccomp_profile_deny_missing if {
	doc := fixtures.deny_seccomp_profile_deny_missing
	count(deny_seccomp_profile) > 0 with input as doc
}

test_deny_seccomp_profile_deny_container_unconfined if {
	doc := fixtures.deny_seccomp_profile_deny_container_unconfined
	count(deny_seccomp_profile) > 0 with input as doc
}

test_deny_apparmor_unconfined_allow_runtime_default if {
	doc := fixtures.deny_apparmor_unconfined_allow_runtime_default
	count(deny_apparmor_unconfined) == 0 with input as doc
}

test_deny_apparmor_unconfined_deny_field if {
	doc := fixtures.deny_apparmor_unconfined_deny_field
	count(deny_apparmor_unconfined) > 0 with input as doc
}

test_deny_apparmor_unconfined_deny_annotation if {
	doc := fixtures.deny_apparmor_unconfined_deny_annotation
	count(deny_apparmor_unconfined) > 0 with input as doc
}

test_deny_automount_service_account_token_allow_disabled if {
	doc := fixtures.deny_automount_service_account_token_allow_disabled
	count(deny_automount_service_account_token) == 0 with input as doc
}

test_deny_automount_service_account_token_deny_default if {
	doc := fixtures.deny_automount_service_account_token_deny_default
	count(deny_automount_service_account_token) > 0 with input as doc
}

# Exact messages: they name the object, the container list and the container.

test_deny_privileged_container_deny_message_names_container if {
	doc := fixtures.deny_privileged_container_deny_privileged_init_container
	deny_privileged_container == {`Deployment ai-models/fraud-scoring: initContainers "init" runs privileged`} with input as doc
}

test_deny_run_as_root_deny_message_for_cron_job if {
	doc := fixtures.deny_run_as_root_deny_root_cron_job
	deny_run_as_root == {`CronJob ai-models/drift-fraud-scoring: containers "server" may run as root (runAsNonRoot is not true)`} with input as doc
}
