"""The policy gate: one verdict and one report per change, over cloud resources and Kubernetes objects.

Data flow (DESIGN §3): inputs (plan document or manifests) → subject (cloud resources and Kubernetes
objects, rendered from the plan where needed) → sources (schema validation, Rego packs; checkov later)
→ findings → waivers → verdict → reports.
"""
