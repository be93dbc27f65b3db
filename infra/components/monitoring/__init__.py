"""Monitoring: kube-prometheus-stack, the Pushgateway, alert rules, Alertmanager routing, dashboards."""
