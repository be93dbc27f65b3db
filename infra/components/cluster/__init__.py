"""The EKS control plane, its add-ons and the Kubernetes provider that reaches it."""
