"""The PromQL metric-name extractor and Grafana variable substitution the dashboard tests rely on."""

from __future__ import annotations

import pytest

from infra.components.monitoring.promql import grafana_to_promql, metric_names, variable_query_promql


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("up", {"up"}),
        ('up{job="x"} == 0', {"up"}),
        ("rate(foo_total[5m])", {"foo_total"}),
        ('sum by (model, le) (rate(h_bucket{model=~"a|b"}[5m]))', {"h_bucket"}),
        ("sum(a) by (instance) / ignoring (code) group_left (team) b", {"a", "b"}),
        ("max without (pod) (a) * on (cluster, namespace) group_right b", {"a", "b"}),
        ("histogram_quantile(0.95, x_bucket)", {"x_bucket"}),
        ("a offset 5m > bool 1e3 and b unless c or vector(1)", {"a", "b", "c"}),
        ("time() - last_success", {"last_success"}),
        ('count(x{pod!=""}) or vector(0)', {"x"}),
        ('label_replace(a, "dst", "$1", "src", "(.*) b")', {"a"}),
        ('{__name__="by_name", job="j"}', {"by_name"}),
        ('a{x="} sum(fake) {"}', {"a"}),
        ("job:rate5m:sum + inf - nan", {"job:rate5m:sum"}),
        ("avg_over_time(a[1h:5m]) @ start()", {"a"}),
        ('topk(3, a) + quantile(0.5, b) + count_values("v", c)', {"a", "b", "c"}),
        ("sum(a) BY (x)", {"a"}),
    ],
)
def test_extracts_exactly_the_metric_names(expr: str, expected: set[str]) -> None:
    assert metric_names(expr) == expected


def test_a_typo_in_a_metric_name_is_what_comes_out() -> None:
    assert metric_names('rate(model_inference_requets_total{model=~"$model"}[5m])') == {"model_inference_requets_total"}


def test_unbalanced_input_is_refused() -> None:
    with pytest.raises(ValueError, match="unterminated"):
        metric_names('a{x="y}')


def test_grafana_variables_become_parseable_values() -> None:
    expr = 'rate(a{m=~"$model",c=~"${cluster:regex}",f=~"[[feature]]"}[$__rate_interval]) offset $__range'
    assert grafana_to_promql(expr) == 'rate(a{m=~"placeholder",c=~"placeholder",f=~"placeholder"}[5m]) offset 1h'
    assert grafana_to_promql("a[${__interval}]") == "a[1m]"


def test_variable_queries_yield_their_promql() -> None:
    assert variable_query_promql('label_values(model_drift_status{a="b"}, model)') == 'model_drift_status{a="b"}'
    assert variable_query_promql("query_result(sum(up))") == "sum(up)"
    assert variable_query_promql("label_values(stack)") is None
