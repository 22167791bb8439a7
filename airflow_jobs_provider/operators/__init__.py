"""Operators that run an artifact: in a Kubernetes pod, or as a local subprocess."""
