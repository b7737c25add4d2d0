"""Deliver a compiled project to Grafana over its HTTP API: plan, push, diff and pull."""
