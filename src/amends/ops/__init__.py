"""Running Amends: /healthz for load balancers and monitors, /metrics for Prometheus."""
