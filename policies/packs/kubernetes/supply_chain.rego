package kubernetes_admission

import rego.v1

# A tag can be moved to other content after review; a digest names exactly the image that was
# scanned and approved. A secret or unknown image reference cannot be assessed and is reported too.
digest_pinned(image) if {
	is_string(image)
	regex.match(`@sha256:[0-9a-f]{64}$`, image)
}

# METADATA
# title: Images are pinned by digest
# description: >-
#   Every container image (init and ephemeral containers included) must be referenced by digest
#   (`<image>@sha256:<64 hex digits>`), so that what runs is exactly what was scanned and approved.
#   The platform's own workloads (the drift jobs) comply; a tag-only image is medium: blocking in prod.
# custom:
#   severity: medium
#   controls: [NIST-800-53:CM-14, NIST-800-53:SI-7, NIST-800-53:SR-11, ISO-27001:A.8.32]
#   message: >-
#     Reference the image as <registry>/<repository>[:tag]@sha256:<digest> (for the drift jobs:
#     ai-platform:driftJobs.image).
deny_image_not_pinned_by_digest contains msg if {
	some entry in containers
	image := object.get(entry.container, "image", "")
	not digest_pinned(image)
	msg := concat("", [where(entry), " uses image ", image_text(image), " that is not pinned by digest"])
}

image_text(image) := image if is_string(image)

image_text(image) := "(not a string)" if not is_string(image)
