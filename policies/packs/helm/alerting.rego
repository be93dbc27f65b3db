package helm

import rego.v1

# Alert rules kube-prometheus-stack renders from its values, and the Alertmanager route tree.

# DESIGN §5.6: the severities alerts are routed by (the kubernetes pack holds the same set for
# PrometheusRule objects; tests/policies/packs/test_monitoring_rules.py joins the two).
alert_severities := {"warning", "critical"}

# --- alert rules in the values -------------------------------------------------------------------

# Rule groups the chart renders into PrometheusRule objects: `additionalPrometheusRulesMap`
# (name -> {groups}) and the deprecated `additionalPrometheusRules` list ({name, groups}).
rule_sources contains {"where": concat(".", ["additionalPrometheusRulesMap", name]), "entry": entry} if {
	kube_prometheus_stack
	some name, entry in as_object(object.get(values_object, "additionalPrometheusRulesMap", {}))
}

rule_sources contains {"where": concat(".", ["additionalPrometheusRules", format_int(i, 10)]), "entry": entry} if {
	kube_prometheus_stack
	some i, entry in as_array(object.get(values_object, "additionalPrometheusRules", []))
}

rule_source_problems contains "additionalPrometheusRulesMap is not a map of rule files" if {
	kube_prometheus_stack
	value := object.get(values_object, "additionalPrometheusRulesMap", null)
	value != null
	not is_object(value)
}

rule_source_problems contains "additionalPrometheusRules is not a list of rule files" if {
	kube_prometheus_stack
	value := object.get(values_object, "additionalPrometheusRules", null)
	value != null
	not is_array(value)
}

rule_source_problems contains concat("", [source.where, ".groups is not a list of groups"]) if {
	some source in rule_sources
	not is_array(object.get(as_object(source.entry), "groups", null))
}

rule_groups_of contains {"where": concat("", [source.where, ".groups.", format_int(i, 10)]), "group": group} if {
	some source in rule_sources
	some i, group in as_array(object.get(as_object(source.entry), "groups", []))
}

rule_source_problems contains concat("", [g.where, " has no list of rules"]) if {
	some g in rule_groups_of
	not is_array(object.get(as_object(g.group), "rules", null))
}

rules_of contains {"where": concat("", [g.where, ".rules.", format_int(i, 10)]), "rule": rule} if {
	some g in rule_groups_of
	some i, rule in as_array(object.get(as_object(g.group), "rules", []))
}

rule_source_problems contains concat("", [r.where, " is neither an alerting nor a recording rule"]) if {
	some r in rules_of
	not alerting_rule(r.rule)
	not recording_rule(r.rule)
}

alerting_rule(rule) if object.get(as_object(rule), "alert", null) != null

recording_rule(rule) if {
	not alerting_rule(rule)
	object.get(as_object(rule), "record", null) != null
}

alert_name(rule) := rule.alert if is_string(rule.alert)

alert_name(rule) := "(unreadable name)" if not is_string(rule.alert)

rule_source_problems contains concat("", [r.where, " (alert \"", alert_name(r.rule), "\"): label severity is missing or not one of warning, critical"]) if {
	some r in rules_of
	alerting_rule(r.rule)
	not object.get(as_object(object.get(r.rule, "labels", {})), "severity", null) in alert_severities
}

rule_source_problems contains concat("", [r.where, " (alert \"", alert_name(r.rule), "\"): annotation runbook_url is missing or empty"]) if {
	some r in rules_of
	alerting_rule(r.rule)
	not runbook_url(object.get(as_object(object.get(r.rule, "annotations", {})), "runbook_url", null))
}

runbook_url(value) if {
	is_string(value)
	trim_space(value) != ""
	not opaque_scalar(value)
}

# METADATA
# title: Every alert rule in kube-prometheus-stack values carries a severity and a runbook
# description: >-
#   Each alerting rule the release renders (`additionalPrometheusRulesMap`,
#   `additionalPrometheusRules`) has the label severity set to warning or critical (the values
#   Alertmanager routes on, DESIGN §5.6) and a non-empty annotation runbook_url, so that the page
#   reaches the right people with the steps to take. Recording rules are exempt; groups or rules
#   that cannot be read (not lists or objects, neither alert nor record) fail closed.
# custom:
#   severity: medium
#   controls: [NIST-800-53:SI-4, NIST-800-53:IR-4, ISO-27001:A.8.16, ISO-42001:A.6.2.6]
#   message: >-
#     Give every alert labels.severity (warning or critical) and annotations.runbook_url pointing at
#     its runbook in docs/runbooks/.
deny_alert_rule_missing_severity_or_runbook contains msg if {
	some problem in rule_source_problems
	msg := concat("", ["Helm release \"", input.__name, "\": ", problem])
}

# --- critical alerts reach a receiver ------------------------------------------------------------

alertmanager_values := as_object(object.get(values_object, "alertmanager", {}))

alertmanager_spec := as_object(object.get(alertmanager_values, "alertmanagerSpec", {}))

alertmanager_enabled if {
	kube_prometheus_stack
	not disabled(object.get(values_object, "alertmanager", {}))
}

# A Go template's `if` is false only for false, 0, "", null and empty collections.
template_true(value) if not value in {false, 0, "", null, [], {}}

# Where the chart or the operator takes the configuration from something other than
# `alertmanager.config`: the route tree the values show is not the one Alertmanager runs.
route_opacity contains "alertmanager.alertmanagerSpec.useExistingSecret is set: the configuration comes from a Secret the gate does not see" if {
	template_true(object.get(alertmanager_spec, "useExistingSecret", false))
}

route_opacity contains "alertmanager.alertmanagerSpec.configSecret is set: the configuration comes from a Secret the gate does not see" if {
	template_true(object.get(alertmanager_spec, "configSecret", null))
}

route_opacity contains "alertmanager.alertmanagerSpec.alertmanagerConfiguration is set: the configuration comes from an AlertmanagerConfig object" if {
	template_true(object.get(alertmanager_spec, "alertmanagerConfiguration", {}))
}

route_opacity contains "alertmanager.tplConfig is set: the configuration is rendered through templates" if {
	template_true(object.get(alertmanager_values, "tplConfig", false))
}

route_opacity contains "alertmanager.config is not an object (secret, unknown, text or of the wrong type)" if {
	not is_object(object.get(alertmanager_values, "config", {}))
}

# The chart's own configuration (values.yaml); Helm merges the values' `alertmanager.config` over
# it key by key, maps deeply and lists whole, and a null removes a key.
chart_default_route := {
	"receiver": "null",
	"routes": [{"receiver": "null", "matchers": ["alertname = \"Watchdog\""]}],
}

chart_default_receivers := [{"name": "null"}]

alertmanager_config := as_object(object.get(alertmanager_values, "config", {}))

route_opacity contains "alertmanager.config.route is not an object" if {
	not is_object(object.get(alertmanager_config, "route", {}))
}

route_opacity contains "alertmanager.config.receivers is not a list" if {
	not is_array(object.get(alertmanager_config, "receivers", []))
}

merged_route := object.union(chart_default_route, as_object(object.get(alertmanager_config, "route", {})))

root_route := {key: val | some key; val := merged_route[key]; val != null}

effective_receivers := as_array(object.get(alertmanager_config, "receivers", chart_default_receivers))

receiver_names contains r.name if {
	some r in effective_receivers
	is_string(r.name)
}

# A receiver with at least one integration: a non-empty `*_configs` list.
integrated_receivers contains r.name if {
	some r in effective_receivers
	is_string(r.name)
	some key, configs in r
	endswith(key, "_configs")
	is_array(configs)
	count(configs) > 0
}

route_opacity contains "alertmanager.config.receivers has an entry without a name" if {
	some r in effective_receivers
	not is_string(object.get(as_object(r), "name", null))
}

# Every route of the tree: the root at [] and child i of a route at its path + ["routes", i].
# walk() visits nested routes at any depth without recursion.
route_path(path) if {
	count(path) % 2 == 0
	not route_path_broken(path)
}

route_path_broken(path) if {
	some i, part in path
	i % 2 == 0
	part != "routes"
}

route_path_broken(path) if {
	some i, part in path
	i % 2 == 1
	not is_number(part)
}

route_nodes[path_text(path)] := {"path": path, "route": node} if {
	walk(root_route, [path, node])
	route_path(path)
}

route_where(path) := concat("", ["alertmanager.config.route", route_suffix(path)])

route_suffix(path) := "" if count(path) == 0

route_suffix(path) := concat("", [".", path_text(path)]) if count(path) > 0

# A matcher as [label, operator, value]: `matchers` text (`severity="critical"`,
# `severity = critical`, `severity=~"warning|critical"`), `match` (equality) and `match_re`
# (regular expression). A text the gate cannot read as one such matcher is undefined here.
parsed_matcher(text) := [parts[1], parts[2], value] if {
	is_string(text)
	found := regex.find_all_string_submatch_n(`^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*)$`, text, 1)
	count(found) == 1
	parts := found[0]
	value := matcher_value(trim_space(parts[3]))
}

matcher_value(raw) := substring(raw, 1, count(raw) - 2) if {
	startswith(raw, "\"")
	endswith(raw, "\"")
	count(raw) >= 2
	not contains(substring(raw, 1, count(raw) - 2), "\"")
}

matcher_value(raw) := raw if {
	not startswith(raw, "\"")
	not contains(raw, "\"")
	regex.match(`^[^,{}' ]*$`, raw)
}

route_matchers(route) := array.concat(array.concat(text_matchers(route), equality_matchers(route)), regex_matchers(route))

text_matchers(route) := [parsed_matcher(text) | some text in as_array(object.get(route, "matchers", []))]

equality_matchers(route) := [m |
	some label
	value := as_object(object.get(route, "match", {}))[label]
	is_string(value)
	m := [label, "=", value]
]

regex_matchers(route) := [m |
	some label
	value := as_object(object.get(route, "match_re", {}))[label]
	is_string(value)
	m := [label, "=~", value]
]

route_node_problems contains [entry.path, "matchers is not a list of matcher texts"] if {
	some key, entry in route_nodes
	route := entry.route
	not is_array(object.get(route, "matchers", []))
}

route_node_problems contains [entry.path, concat("", ["matcher \"", text, "\" cannot be assessed"])] if {
	some key, entry in route_nodes
	route := entry.route
	some text in as_array(object.get(route, "matchers", []))
	is_string(text)
	not parsed_matcher(text)
}

route_node_problems contains [entry.path, "matchers holds a value that is not a text"] if {
	some key, entry in route_nodes
	route := entry.route
	some text in as_array(object.get(route, "matchers", []))
	not is_string(text)
}

route_node_problems contains [entry.path, concat("", [field, " is not a map of label texts"])] if {
	some key, entry in route_nodes
	route := entry.route
	some field in ["match", "match_re"]
	value := object.get(route, field, {})
	value != null
	not text_map(value)
}

route_node_problems contains [entry.path, "continue is not a boolean"] if {
	some key, entry in route_nodes
	route := entry.route
	not object.get(route, "continue", false) in {true, false, null}
}

route_node_problems contains [entry.path, "receiver is not a text"] if {
	some key, entry in route_nodes
	route := entry.route
	not is_string(object.get(route, "receiver", ""))
	object.get(route, "receiver", "") != null
}

route_node_problems contains [entry.path, "routes is not a list"] if {
	some key, entry in route_nodes
	route := entry.route
	not is_array(object.get(route, "routes", []))
	object.get(route, "routes", []) != null
}

route_node_problems contains [entry.path, concat("", ["severity matcher \"", m[2], "\" has an escape or an invalid expression"])] if {
	some key, entry in route_nodes
	route := entry.route
	some m in route_matchers(route)
	m[0] == "severity"
	not severity_readable(m)
}

text_map(value) if {
	is_object(value)
	count([v | some v in value; not is_string(v)]) == 0
}

severity_readable(m) if {
	m[1] in {"=", "!="}
	not contains(m[2], "\\")
}

severity_readable(m) if {
	m[1] in {"=~", "!~"}
	regex.is_valid(anchored(m[2]))
}

anchored(expression) := concat("", ["^(?:", expression, ")$"])

# How a route's matchers meet an alert with severity="critical" and any other labels: "never"
# (a severity matcher rejects it), "always" (only severity matchers, all accept it; a route without
# matchers accepts everything), else "maybe" (it depends on the other labels).
critical_rejected(m) if {
	m[0] == "severity"
	m[1] == "="
	m[2] != "critical"
}

critical_rejected(m) if {
	m[0] == "severity"
	m[1] == "!="
	m[2] == "critical"
}

critical_rejected(m) if {
	m[0] == "severity"
	m[1] == "=~"
	regex.is_valid(anchored(m[2]))
	not regex.match(anchored(m[2]), "critical")
}

critical_rejected(m) if {
	m[0] == "severity"
	m[1] == "!~"
	regex.is_valid(anchored(m[2]))
	regex.match(anchored(m[2]), "critical")
}

route_status(route) := "never" if {
	some m in route_matchers(route)
	critical_rejected(m)
}

route_status(route) := "always" if {
	not route_rejects(route)
	count([m | some m in route_matchers(route); m[0] != "severity"]) == 0
}

route_status(route) := "maybe" if {
	not route_rejects(route)
	count([m | some m in route_matchers(route); m[0] != "severity"]) > 0
}

route_rejects(route) if {
	some m in route_matchers(route)
	critical_rejected(m)
}

route_continues(route) if object.get(route, "continue", false) == true

# Child i of a route is never tried when an earlier sibling takes every critical alert and stops.
shadowed(path) if {
	count(path) > 0
	index := path[count(path) - 1]
	parent := array.slice(path, 0, count(path) - 2)
	some key, entry in route_nodes
	count(entry.path) == count(path)
	array.slice(entry.path, 0, count(entry.path) - 2) == parent
	entry.path[count(entry.path) - 1] < index
	route_status(entry.route) == "always"
	not route_continues(entry.route)
}

# The routes from the root down to the one at path (the root itself excluded).
ancestors_or_self(path) := [array.slice(path, 0, i + 1) | some i; _ = path[i]; i % 2 == 1]

unreachable(path) if {
	some prefix in ancestors_or_self(path)
	route_status(route_nodes[path_text(prefix)].route) == "never"
}

unreachable(path) if {
	some prefix in ancestors_or_self(path)
	shadowed(prefix)
}

# A route where a critical alert can end: reachable, and no child takes every critical alert.
critical_end(path) if {
	not unreachable(path)
	not captured(path)
}

captured(path) if {
	some key, entry in route_nodes
	count(entry.path) == count(path) + 2
	array.slice(entry.path, 0, count(path)) == path
	route_status(entry.route) == "always"
}

# The receiver of a route: its own, else the nearest ancestor's.
route_receiver(path) := receivers[max(object.keys(receivers))] if {
	receivers := {count(prefix): receiver |
		some prefix in array.concat([[]], ancestors_or_self(path))
		receiver := route_nodes[path_text(prefix)].route.receiver
		is_string(receiver)
		receiver != ""
	}
	count(receivers) > 0
}

critical_route_findings contains reason if {
	some reason in route_opacity
}

critical_route_findings contains concat("", [route_where(found[0]), ": ", found[1]]) if {
	some found in route_node_problems
}

critical_route_findings contains "alertmanager.config.route must not have matchers (Alertmanager rejects such a root route)" if {
	count(route_matchers(root_route)) > 0
}

critical_route_findings contains concat("", [route_where(entry.path), ": critical alerts can end here without a receiver"]) if {
	some key, entry in route_nodes
	critical_end(entry.path)
	not route_receiver(entry.path)
}

critical_route_findings contains concat("", [route_where(entry.path), ": critical alerts can end at receiver \"", receiver, "\", which is not defined"]) if {
	some key, entry in route_nodes
	critical_end(entry.path)
	receiver := route_receiver(entry.path)
	not receiver in receiver_names
}

critical_route_findings contains concat("", [route_where(entry.path), ": critical alerts can end at receiver \"", receiver, "\", which has no integration"]) if {
	some key, entry in route_nodes
	critical_end(entry.path)
	receiver := route_receiver(entry.path)
	receiver in receiver_names
	not receiver in integrated_receivers
}

# METADATA
# title: Critical alerts reach a receiver that notifies someone
# description: >-
#   For a kube-prometheus-stack release with Alertmanager enabled, the route tree of
#   `alertmanager.config` (merged over the chart's default, whose receiver "null" drops every
#   alert) is walked for an alert with severity="critical" and any other labels: every route where
#   such an alert can end (reachable through matchers/match/match_re, not shadowed by an earlier
#   catch-all sibling without continue, no child that takes every critical alert) must resolve to a
#   defined receiver with at least one integration (a non-empty *_configs list). A tree or matcher
#   that cannot be read, or a configuration taken from elsewhere (useExistingSecret, configSecret,
#   alertmanagerConfiguration, tplConfig), fails closed.
# custom:
#   severity: high
#   controls: [NIST-800-53:SI-4, NIST-800-53:IR-6, ISO-27001:A.6.8, ISO-27001:A.8.16]
#   message: >-
#     Route severity="critical" to an on-call receiver with an integration (PagerDuty, Slack,
#     webhook, email) at every level of the tree, give the root route a receiver that notifies, and
#     keep null receivers behind matchers that exclude critical alerts.
#   config_keys: [monitoring.onCall, monitoring.receivers]
deny_critical_alerts_not_routed contains msg if {
	alertmanager_enabled
	some reason in critical_route_findings
	msg := concat("", ["Helm release \"", input.__name, "\": ", reason])
}
