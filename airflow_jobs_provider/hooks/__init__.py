"""Hooks of the Job Orchestrator provider."""
