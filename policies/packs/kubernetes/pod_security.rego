package kubernetes_admission

import rego.v1

# METADATA
# title: No privileged containers
# description: A privileged container has full access to the node; no workload on the platform needs one.
# custom:
#   severity: critical
#   controls: [CIS-EKS-4.2.1, NIST-800-53:AC-6, ISO-27001:A.8.2]
#   message: Remove securityContext.privileged (or set it to false) on the container.
deny_privileged_container contains msg if {
	some entry in containers
	bool_value(object.get(security_context(entry), "privileged", false)) == true
	msg := concat("", [where(entry), " runs privileged"])
}

# A privileged value that is neither a boolean nor "true"/"false" (a secret, the unknown
# sentinel), or a securityContext the gate cannot read, fails closed.
deny_privileged_container contains msg if {
	some entry in containers
	has_key(security_context(entry), "privileged")
	not is_boolean(bool_value(security_context(entry).privileged))
	msg := concat("", [where(entry), " sets privileged to a value that cannot be assessed"])
}

deny_privileged_container contains msg if {
	some entry in containers
	has_key(entry.container, "securityContext")
	not is_object(entry.container.securityContext)
	msg := concat("", [where(entry), " has a securityContext that cannot be assessed"])
}

# METADATA
# title: Containers forbid privilege escalation
# description: Every container must set securityContext.allowPrivilegeEscalation to false (no setuid gains).
# custom:
#   severity: high
#   controls: [CIS-EKS-4.2.5, NIST-800-53:AC-6, ISO-27001:A.8.2]
#   message: Set securityContext.allowPrivilegeEscalation to false on the container.
deny_privilege_escalation contains msg if {
	some entry in containers
	not bool_value(object.get(security_context(entry), "allowPrivilegeEscalation", null)) == false
	msg := concat("", [where(entry), " does not set allowPrivilegeEscalation: false"])
}

host_namespace_fields := ["hostNetwork", "hostPID", "hostIPC"]

# METADATA
# title: Pods do not share host namespaces
# description: Pods must not use the node's network, PID or IPC namespace.
# custom:
#   severity: critical
#   controls: [CIS-EKS-4.2.2, CIS-EKS-4.2.3, CIS-EKS-4.2.4, NIST-800-53:SC-39, ISO-27001:A.8.22]
#   message: Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).
deny_host_namespaces contains msg if {
	some pod in pod_specs
	some field in host_namespace_fields
	bool_value(object.get(pod.spec, field, false)) == true
	msg := concat("", [pod_label(pod.path), ": pod uses ", field])
}

deny_host_namespaces contains msg if {
	some pod in pod_specs
	some field in host_namespace_fields
	has_key(pod.spec, field)
	not is_boolean(bool_value(pod.spec[field]))
	msg := concat("", [pod_label(pod.path), ": pod sets ", field, " to a value that cannot be assessed"])
}

# METADATA
# title: Containers do not bind host ports
# description: A hostPort ties the pod to a node and exposes it outside the cluster network policy.
# custom:
#   severity: high
#   controls: [NIST-800-53:CM-7, NIST-800-53:SC-7, ISO-27001:A.8.20]
#   message: Remove ports[].hostPort and expose the container through a Service instead.
deny_host_ports contains msg if {
	some entry in containers
	some port in as_array(object.get(entry.container, "ports", []))
	host_port := int_value(object.get(as_object(port), "hostPort", 0))
	host_port != 0
	msg := concat("", [where(entry), " binds host port ", format_int(host_port, 10)])
}

# A hostPort that is not a number or a digit string, or ports the gate cannot read, fail closed.
deny_host_ports contains msg if {
	some entry in containers
	some port in as_array(object.get(entry.container, "ports", []))
	has_key(port, "hostPort")
	not is_number(int_value(port.hostPort))
	msg := concat("", [where(entry), " sets a hostPort that cannot be assessed"])
}

deny_host_ports contains msg if {
	some entry in containers
	has_key(entry.container, "ports")
	some port in unreadable_items(entry.container.ports)
	msg := concat("", [where(entry), " has ports that cannot be assessed"])
}

# METADATA
# title: Pods do not mount hostPath volumes
# description: A hostPath volume exposes the node's filesystem to the pod.
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-6, NIST-800-53:SC-39, ISO-27001:A.8.22]
#   message: Replace the hostPath volume with a persistent volume claim, configMap, secret or emptyDir.
deny_host_path_volumes contains msg if {
	some holder in volume_holders
	some volume in as_array(holder.volumes)
	has_key(volume, "hostPath")
	msg := concat("", [pod_label(holder.path), ": volume \"", object.get(volume, "name", ""), "\" mounts a hostPath"])
}

deny_host_path_volumes contains msg if {
	some holder in volume_holders
	some volume in unreadable_items(holder.volumes)
	msg := concat("", [pod_label(holder.path), ": volumes cannot be assessed"])
}

# Every volumes list in the object: pod specs found by shape, and the application-level volumes
# of kinds such as SparkApplication whose driver and executor mount them.
volume_holders contains {"path": path, "volumes": node.volumes} if {
	some [path, node] in shape_nodes
	has_key(node, "volumes")
	volume_holder_shape(path, node)
}

volume_holder_shape(_, node) if has_key(node, "containers")

volume_holder_shape(path, _) if {
	some pod in pod_specs
	pod.path == path
}

volume_holder_shape(_, node) if {
	has_key(node, "driver")
	has_key(node, "executor")
}

# METADATA
# title: PersistentVolumes are not hostPath volumes
# description: >-
#   A hostPath PersistentVolume hands the node's filesystem to whichever pod claims it, past every
#   pod-level hostPath check.
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-6, NIST-800-53:SC-39, ISO-27001:A.8.22]
#   message: Back the PersistentVolume with a CSI driver (EBS, EFS, FSx) instead of spec.hostPath.
deny_host_path_persistent_volume contains msg if {
	kind == "PersistentVolume"
	has_key(spec, "hostPath")
	msg := concat("", [subject, ": is a hostPath PersistentVolume"])
}

deny_host_path_persistent_volume contains msg if {
	kind == "PersistentVolume"
	not is_object(object.get(reviewed, "spec", {}))
	msg := concat("", [subject, ": spec cannot be assessed"])
}

capabilities(entry) := as_object(object.get(security_context(entry), "capabilities", {}))

# Pod Security "restricted" allows adding only NET_BIND_SERVICE; parameters may narrow or widen it.
allowed_capabilities := object.get(parameters, "allowedCapabilities", ["NET_BIND_SERVICE"])

# METADATA
# title: Containers add no capability beyond the safe set
# description: >-
#   Containers may add only capabilities from the safe set (NET_BIND_SERVICE by default,
#   input.parameters.allowedCapabilities to change it).
# custom:
#   severity: high
#   controls: [CIS-EKS-4.2.8, CIS-EKS-4.2.9, NIST-800-53:AC-6, ISO-27001:A.8.2]
#   message: Remove the capability from securityContext.capabilities.add.
deny_added_capabilities contains msg if {
	some entry in containers
	some capability in as_array(object.get(capabilities(entry), "add", []))
	is_string(capability)
	not upper(capability) in allowed_capabilities
	msg := concat("", [where(entry), " adds capability ", capability])
}

deny_added_capabilities contains msg if {
	some entry in containers
	has_key(capabilities(entry), "add")
	some capability in unreadable_strings(capabilities(entry).add)
	msg := concat("", [where(entry), " adds capabilities that cannot be assessed"])
}

# METADATA
# title: Containers drop all capabilities
# description: Every container must drop ALL Linux capabilities and add back only what it needs.
# custom:
#   severity: medium
#   controls: [CIS-EKS-4.2.7, CIS-EKS-4.2.9, NIST-800-53:AC-6, ISO-27001:A.8.2]
#   message: Set securityContext.capabilities.drop to ["ALL"].
deny_capabilities_drop_all contains msg if {
	some entry in containers
	not "ALL" in as_array(object.get(capabilities(entry), "drop", []))
	msg := concat("", [where(entry), " does not drop ALL capabilities"])
}

# METADATA
# title: Containers run as a non-root user
# description: >-
#   Every container must run with runAsNonRoot true (set on the container or inherited from the
#   pod) and never with runAsUser 0.
# custom:
#   severity: high
#   controls: [CIS-EKS-4.2.6, NIST-800-53:AC-6, ISO-27001:A.8.2]
#   message: Set securityContext.runAsNonRoot to true (and a non-zero runAsUser) on the pod or the container.
deny_run_as_root contains msg if {
	some entry in containers
	not bool_value(effective_setting(entry, "runAsNonRoot")) == true
	msg := concat("", [where(entry), " may run as root (runAsNonRoot is not true)"])
}

deny_run_as_root contains msg if {
	some entry in containers
	int_value(effective_setting(entry, "runAsUser")) == 0
	msg := concat("", [where(entry), " runs as user 0"])
}

deny_run_as_root contains msg if {
	some entry in containers
	user := effective_setting(entry, "runAsUser")
	not is_number(int_value(user))
	msg := concat("", [where(entry), " sets runAsUser to a value that cannot be assessed"])
}

# METADATA
# title: Containers have a read-only root filesystem
# description: A read-only root filesystem stops an intruder from changing the container's binaries.
# custom:
#   severity: medium
#   controls: [NIST-800-53:CM-5, NIST-800-53:SI-7, ISO-27001:A.8.9]
#   message: Set securityContext.readOnlyRootFilesystem to true and mount an emptyDir where the app writes.
deny_writable_root_filesystem contains msg if {
	some entry in containers
	not bool_value(object.get(security_context(entry), "readOnlyRootFilesystem", null)) == true
	msg := concat("", [where(entry), " has a writable root filesystem"])
}

confined_seccomp_types := {"RuntimeDefault", "Localhost"}

# METADATA
# title: Containers run under a seccomp profile
# description: >-
#   Every container must run with seccompProfile.type RuntimeDefault or Localhost, set on the
#   container or inherited from the pod.
# custom:
#   severity: high
#   controls: [CIS-EKS-4.6.2, NIST-800-53:SC-39, NIST-800-53:CM-7, ISO-27001:A.8.9]
#   message: Set securityContext.seccompProfile.type to RuntimeDefault on the pod (or Localhost with a profile).
deny_seccomp_profile contains msg if {
	some entry in containers
	not object.get(as_object(effective_setting(entry, "seccompProfile")), "type", "") in confined_seccomp_types
	msg := concat("", [where(entry), " has no RuntimeDefault or Localhost seccomp profile"])
}

apparmor_annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

# METADATA
# title: Containers are not AppArmor-unconfined
# description: >-
#   No container may opt out of AppArmor, neither with securityContext.appArmorProfile.type
#   Unconfined (pod or container) nor with the legacy annotation set to unconfined. Nodes without
#   AppArmor (Bottlerocket uses SELinux) ignore the profile; opting out is still refused.
# custom:
#   severity: high
#   controls: [NIST-800-53:AC-6, NIST-800-53:SC-39, ISO-27001:A.8.9]
#   message: Remove the Unconfined AppArmor profile; use RuntimeDefault or a Localhost profile.
deny_apparmor_unconfined contains msg if {
	some entry in containers
	object.get(as_object(effective_setting(entry, "appArmorProfile")), "type", "") == "Unconfined"
	msg := concat("", [where(entry), " runs AppArmor-unconfined"])
}

deny_apparmor_unconfined contains msg if {
	some entry in containers
	annotations := as_object(object.get(pod_metadata(entry.pod), "annotations", {}))
	object.get(annotations, concat("", [apparmor_annotation_prefix, container_name(entry)]), "") == "unconfined"
	msg := concat("", [where(entry), " runs AppArmor-unconfined (annotation)"])
}

# METADATA
# title: Pods do not automount service-account tokens
# description: >-
#   A pod must set automountServiceAccountToken to false; a workload that calls the Kubernetes API
#   mounts a projected token explicitly (or is waived with a justification).
# custom:
#   severity: medium
#   controls: [CIS-EKS-4.1.6, NIST-800-53:AC-6, ISO-27001:A.5.17]
#   message: Set spec.automountServiceAccountToken to false in the pod template.
deny_automount_service_account_token contains msg if {
	some pod in pod_specs
	pod.shape == "pod"
	pod_has_containers(pod)
	not bool_value(object.get(pod.spec, "automountServiceAccountToken", null)) == false
	msg := concat("", [pod_label(pod.path), ": pod automounts its service-account token"])
}

# A KServe component may hold only its framework container (model, sklearn, ...).
pod_has_containers(pod) if {
	some entry in containers
	entry.pod.path == pod.path
}

# METADATA
# title: Pod specs can be assessed
# description: >-
#   A workload whose pod spec, containers or container entries are a secret, an unknown value or
#   malformed cannot be checked by any pod rule, so it is a finding rather than a silent pass.
# custom:
#   severity: high
#   controls: [NIST-800-53:CM-7, NIST-800-53:SI-10, ISO-27001:A.8.9]
#   message: Give the pod template as a plain object with a containers list known at preview time.
deny_pod_spec_not_assessable contains msg if {
	kind in workload_kinds
	count(pod_specs) == 0
	msg := concat("", [subject, ": no pod spec could be found to assess"])
}

deny_pod_spec_not_assessable contains msg if {
	some pod in pod_specs
	some field in container_fields
	has_key(pod.spec, field)
	count(unreadable_items(pod.spec[field])) > 0
	msg := concat("", [pod_label(pod.path), ": ", field, " cannot be assessed"])
}
