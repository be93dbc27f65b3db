package kubernetes_admission

import rego.v1

test_deny_image_not_pinned_by_digest_allow_digest if {
	doc := fixtures.deny_image_not_pinned_by_digest_allow_digest
	count(deny_image_not_pinned_by_digest) == 0 with input as doc
}

test_deny_image_not_pinned_by_digest_allow_digest_without_tag if {
	doc := fixtures.deny_image_not_pinned_by_digest_allow_digest_without_tag
	count(deny_image_not_pinned_by_digest) == 0 with input as doc
}

test_deny_image_not_pinned_by_digest_deny_tag_only if {
	doc := fixtures.deny_image_not_pinned_by_digest_deny_tag_only
	messages := deny_image_not_pinned_by_digest with input as doc
	some message in messages
	contains(message, "drift-job:0.1.0 that is not pinned")
}

test_deny_image_not_pinned_by_digest_deny_short_digest if {
	doc := fixtures.deny_image_not_pinned_by_digest_deny_short_digest
	messages := deny_image_not_pinned_by_digest with input as doc
	some message in messages
	contains(message, "drift-job@sha256:abc that is not pinned")
}

test_deny_image_not_pinned_by_digest_deny_init_container if {
	doc := fixtures.deny_image_not_pinned_by_digest_deny_init_container
	messages := deny_image_not_pinned_by_digest with input as doc
	some message in messages
	contains(message, "initContainers")
}

test_deny_image_not_pinned_by_digest_deny_secret_image if {
	doc := fixtures.deny_image_not_pinned_by_digest_deny_secret_image
	messages := deny_image_not_pinned_by_digest with input as doc
	some message in messages
	contains(message, "[secret] that is not pinned")
}

test_deny_image_not_pinned_by_digest_deny_cron_job if {
	doc := fixtures.deny_image_not_pinned_by_digest_deny_cron_job
	messages := deny_image_not_pinned_by_digest with input as doc
	some message in messages
	contains(message, "CronJob")
}
