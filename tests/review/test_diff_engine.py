"""The diff engine on hand-written Grafana JSON: what a reviewer is told for each kind of edit."""
from __future__ import annotations

import json

from gdash.diff import (
    ABSENT,
    DiffReport,
    diff_dashboard_sets,
    diff_dashboards,
    diff_rule_group_sets,
    diff_rule_groups,
    normalize_dashboard,
    normalize_rule_group,
)
from gdash.diff.render import render
from gdash.diff.words import plain_word_diff, word_diff

from .dashboards_fixture import api_dashboard, clone, find, panel, row, rule_group


def only_item(diff):
    assert len(diff.items) == 1, [(i.title, i.status, i.layout, i.fields) for i in diff.items]
    return diff.items[0]


def test_no_change_at_all_ignores_ids_versions_and_key_order():
    old = api_dashboard()
    new = json.loads(json.dumps(old, sort_keys=True))  # same content, different key order
    new["version"], new["id"], new["iteration"] = 42, 1234, 99
    for index, p in enumerate(reversed(new["panels"])):  # array order and numeric ids are noise
        p["id"] = 100 + index
    new["panels"].reverse()
    diff = diff_dashboards(old, new)
    assert not diff.changed and diff.items == [] and diff.settings == []
    report = DiffReport([d for d in [diff] if d.changed], [])
    assert render(report, "text") == ""
    assert json.loads(render(report, "json"))["changed"] is False
    assert "No dashboard or alert rule changes" in render(report, "markdown")


def test_normalize_unwraps_api_answer_and_drops_server_fields():
    local = api_dashboard()
    live = {"dashboard": {**clone(local), "id": 555, "version": 17, "gnetId": None}, "meta": {"folderUid": "x", "version": 17}}
    live["dashboard"]["panels"][1]["pluginVersion"] = "11.4.0"
    assert normalize_dashboard(live) == normalize_dashboard(local)
    assert "id" not in normalize_dashboard(local) and "version" not in normalize_dashboard(local)
    assert all("id" not in p for p in normalize_dashboard(local)["panels"])


def test_changed_query_is_an_inline_word_diff():
    old = api_dashboard()
    new = clone(old)
    target = find(new, "P95 latency")["targets"][0]
    target["expr"] = target["expr"].replace("[5m]", "[1m]")
    item = only_item(diff_dashboards(old, new))
    assert (item.kind, item.title, item.status, item.layout) == ("panel", "P95 latency", "changed", [])
    [change] = item.fields
    assert change.path == "targets[A].expr"
    assert [(s.op, s.text) for s in change.words if s.op != "="] == [("-", "5m"), ("+", "1m")]
    text = render(DiffReport([diff_dashboards(old, new)]), "text")
    assert 'targets[A].expr: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[[-5m-]{+1m+}])))' in text
    markdown = render(DiffReport([diff_dashboards(old, new)]), "markdown")
    assert "~~`5m`~~**`1m`**" in markdown and "query A (`targets[A].expr`)" in markdown


def test_word_diff_rebuilds_both_sides():
    old, new = 'sum(rate(x{a="b"}[5m])) by (job)', 'sum by (job) (rate(x{a="c"}[5m]))'
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "+") == old
    assert "".join(s.text for s in segments if s.op != "-") == new
    assert plain_word_diff(word_diff("a b", "a c")) == "a [-b-]{+c+}"


def test_panel_moved_between_rows_is_one_move_without_neighbour_noise():
    old = api_dashboard()
    new = clone(old)
    # "Request rate" leaves Latency for Errors; the Errors row and its panel shift up as Grafana packs them.
    find(new, "Errors")["gridPos"]["y"] = 9
    find(new, "Error ratio")["gridPos"]["y"] = 10
    find(new, "Request rate")["gridPos"] = {"x": 12, "y": 10, "w": 12, "h": 8}
    item = only_item(diff_dashboards(old, new))
    assert item.title == "Request rate" and item.status == "moved" and item.fields == []
    assert item.layout == ["moved from row 'Latency' to row 'Errors'"]


def test_resize_is_summarised():
    old = api_dashboard()
    new = clone(old)
    find(new, "Request rate")["gridPos"]["w"] = 24
    item = only_item(diff_dashboards(old, new))
    assert item.layout == ["resized 12x8 -> 24x8"] and item.status == "moved"


def test_reorder_with_no_other_change_is_reported_as_a_move_only():
    old = api_dashboard()
    new = clone(old)
    p95, p50 = find(new, "P95 latency"), find(new, "P50 latency")
    p95["gridPos"]["x"], p50["gridPos"]["x"] = 12, 0  # swap the two side-by-side panels
    new["panels"][1], new["panels"][2] = new["panels"][2], new["panels"][1]
    diff = diff_dashboards(old, new)
    item = only_item(diff)
    assert item.status == "moved" and item.fields == []
    assert (item.title, item.layout) == ("P50 latency", ["moved within row 'Latency' (now first)"])
    assert diff.counts() == {"added": 0, "removed": 0, "changed": 0, "moved": 1}


def test_position_change_with_no_cause_is_reported():
    old = api_dashboard()
    new = clone(old)
    find(new, "Error ratio")["gridPos"]["x"] = 12
    item = only_item(diff_dashboards(old, new))
    assert item.layout == ["moved within row 'Errors' from (x=0, y=0) to (x=12, y=0)"]


def test_panel_added_and_removed():
    old = api_dashboard()
    new = clone(old)
    new["panels"] = [p for p in new["panels"] if p["title"] != "P50 latency"]
    new["panels"].append(panel("Saturation", 12, 18, w=12, h=8, expr="sum(process_open_fds)", type="gauge", pid=99))
    diff = diff_dashboards(old, new)
    by_status = {i.status: i for i in diff.items}
    assert set(by_status) == {"added", "removed"}, [(i.title, i.status, i.layout) for i in diff.items]
    assert by_status["added"].title == "Saturation" and by_status["added"].summary == "gauge in row 'Errors', 12x8"
    assert by_status["removed"].title == "P50 latency" and by_status["removed"].summary == "timeseries in row 'Latency', 12x8"
    assert diff.counts() == {"added": 1, "removed": 1, "changed": 0, "moved": 0}
    text = render(DiffReport([diff]), "text")
    assert "+ panel 'Saturation' added (gauge in row 'Errors', 12x8)" in text
    assert "- panel 'P50 latency' removed (timeseries in row 'Latency', 12x8)" in text


def test_retitled_panel_is_matched_by_type_and_queries():
    old = api_dashboard()
    new = clone(old)
    find(new, "Request rate")["title"] = "Requests per second"
    item = only_item(diff_dashboards(old, new))
    assert item.status == "changed"
    assert [(c.path, c.old, c.new) for c in item.fields] == [("title", "Request rate", "Requests per second")]


def test_duplicate_titles_are_told_apart_by_row():
    old = api_dashboard()
    old["panels"].append(panel("Request rate", 12, 18, expr='sum(rate(http_requests_total{job="api",code=~"5.."}[5m]))', pid=9))
    new = clone(old)
    errors_copy = [p for p in new["panels"] if p["title"] == "Request rate"][1]
    errors_copy["fieldConfig"]["defaults"]["unit"] = "reqps"
    item = only_item(diff_dashboards(old, new))
    assert [(c.path, c.old, c.new) for c in item.fields] == [("fieldConfig.defaults.unit", "s", "reqps")]


def test_renamed_dashboard_with_same_uid():
    old = api_dashboard()
    new = clone(old)
    new["title"] = "API Overview"
    [diff] = diff_dashboard_sets({"api": old}, {"api": new}, old_folders={"api": "Services"}, new_folders={"api": "Services"})
    assert diff.renamed and diff.old_title == "API" and diff.title == "API Overview" and diff.status == "changed"
    assert [(c.path, c.old, c.new) for c in diff.settings] == [("title", "API", "API Overview")]
    assert diff.items == []
    markdown = render(DiffReport([diff]), "markdown")
    assert "API Overview (renamed from API)" in markdown and "Renamed from **API** to **API Overview**" in markdown


def test_dashboard_added_removed_and_folder_moves():
    old, new = api_dashboard(), clone(api_dashboard())
    new["uid"] = "api-v2"
    diffs = diff_dashboard_sets({"api": old}, {"api-v2": new})
    assert [(d.uid, d.status) for d in diffs] == [("api", "removed"), ("api-v2", "added")]
    [moved] = diff_dashboard_sets({"api": old}, {"api": old}, old_folders={"api": "A"}, new_folders={"api": "B"})
    assert [(c.path, c.old, c.new) for c in moved.settings] == [("folder", "A", "B")]


def test_settings_and_variables_are_keyed_by_name():
    old = api_dashboard()
    old["templating"]["list"].append({"name": "job", "type": "query", "query": "label_values(up, job)"})
    new = clone(old)
    new["templating"]["list"].reverse()  # order of variables alone is no change
    new["templating"]["list"][0]["query"] = "label_values(up{env=\"prod\"}, job)"
    new["tags"] = ["api", "http"]
    diff = diff_dashboards(old, new)
    assert [c.path for c in diff.settings] == ["tags", "templating.list[job].query"]
    tags = diff.settings[0]
    assert (tags.old, tags.new) == (["api"], ["api", "http"])


def test_field_added_is_absent_on_the_old_side():
    old = api_dashboard()
    new = clone(old)
    find(new, "Error ratio")["fieldConfig"]["defaults"]["thresholds"] = {"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "red", "value": 0.05}]}
    [change] = only_item(diff_dashboards(old, new)).fields
    assert change.path == "fieldConfig.defaults.thresholds" and change.old is ABSENT
    assert "fieldConfig.defaults.thresholds: (none) -> " in render(DiffReport([diff_dashboards(old, new)]), "text")


def test_alert_threshold_change():
    old = rule_group()
    new = clone(old)
    new["rules"][0]["data"][2]["model"]["conditions"][0]["evaluator"]["params"] = [0.1]
    diff = diff_rule_groups(old, new)
    item = only_item(diff)
    assert (item.kind, item.title, item.status) == ("rule", "HighErrorRate", "changed")
    assert [(c.path, c.old, c.new) for c in item.fields] == [("data[C].model.conditions[0].evaluator", "> 0.05", "> 0.1")]
    markdown = render(DiffReport([], [diff]), "markdown")
    assert "threshold C (`data[C].model.conditions[0].evaluator`): `\"> 0.05\"` → `\"> 0.1\"`" in markdown


def test_rule_groups_ignore_api_fields_and_duration_spelling():
    local = rule_group()
    live = clone(local)
    live["interval"] = "60s"
    for index, rule in enumerate(live["rules"]):
        rule.update({"id": index, "orgID": 1, "updated": "2026-01-01T00:00:00Z", "provenance": "api", "folderUID": "f", "ruleGroup": "api", "isPaused": False})
        rule["for"] = rule["for"] + "0s"  # Grafana answers "5m0s"
    assert normalize_rule_group(live) == normalize_rule_group(local)
    assert diff_rule_group_sets([local], [live]) == []


def test_rules_added_removed_and_pending_period():
    old = rule_group()
    new = clone(old)
    removed = new["rules"].pop(1)
    new["rules"].append({**clone(removed), "uid": "slow-db", "title": "SlowDatabase"})
    new["rules"][0]["for"] = "10m"
    diff = diff_rule_groups(old, new)
    assert [(i.title, i.status) for i in diff.items] == [("HighErrorRate", "changed"), ("SlowDatabase", "added"), ("HighResponseTime", "removed")]
    assert [(c.path, c.old, c.new) for c in diff.items[0].fields] == [("for", "5m", "10m")]
    assert diff.items[1].summary == "A: histogram_quantile(0.95, x); C: > 1; for 10m"


def test_collapsed_row_panels_belong_to_their_row():
    old = api_dashboard()
    collapsed = row("Debug", 26, pid=20)
    collapsed["collapsed"] = True
    collapsed["panels"] = [panel("GC pauses", 0, 27, expr="rate(go_gc_duration_seconds_sum[5m])", pid=21)]
    old["panels"].append(collapsed)
    new = clone(old)
    gc = new["panels"][-1]["panels"].pop()
    gc["gridPos"] = {"x": 12, "y": 18, "w": 12, "h": 8}
    new["panels"].insert(-1, gc)
    item = only_item(diff_dashboards(old, new))
    assert item.title == "GC pauses" and item.layout == ["moved from row 'Debug' to row 'Errors'"]


def test_json_output_is_deterministic_and_marks_absent_fields():
    old = api_dashboard()
    new = clone(old)
    find(new, "P50 latency")["description"] = "median"
    first = render(DiffReport([diff_dashboards(old, new)]), "json")
    assert first == render(DiffReport([diff_dashboards(clone(old), clone(new))]), "json")
    [item] = json.loads(first)["dashboards"][0]["items"]
    assert item["fields"] == [{"path": "description", "new": "median"}]


def test_renamed_row_is_one_change_and_its_panels_stay_put():
    old = api_dashboard()
    new = clone(old)
    find(new, "Latency")["title"] = "Latency (seconds)"
    item = only_item(diff_dashboards(old, new))
    assert (item.kind, item.status) == ("row", "changed")
    assert [(c.path, c.old, c.new) for c in item.fields] == [("title", "Latency", "Latency (seconds)")]


def test_rows_swapped_is_one_row_move_without_panel_noise():
    old = api_dashboard()
    new = clone(old)
    # Errors (row + 1 panel, 9 high) now comes first; Latency (row + 17 high) follows.
    find(new, "Errors")["gridPos"]["y"], find(new, "Error ratio")["gridPos"]["y"] = 0, 1
    find(new, "Latency")["gridPos"]["y"] = 9
    for title in ("P95 latency", "P50 latency"):
        find(new, title)["gridPos"]["y"] = 10
    find(new, "Request rate")["gridPos"]["y"] = 18
    item = only_item(diff_dashboards(old, new))
    assert (item.kind, item.title, item.layout) == ("row", "Errors", ["moved (now first among the rows)"])


def test_panel_inserted_at_the_top_reports_only_the_addition():
    old = api_dashboard()
    new = clone(old)
    for p in new["panels"]:
        p["gridPos"]["y"] += 8 if p["gridPos"]["y"] >= 1 else 0  # everything below the first row header shifts down
    new["panels"].insert(1, panel("Availability", 0, 1, w=24, expr="avg(up)", type="stat"))
    diff = diff_dashboards(old, new)
    assert [(i.title, i.status, i.layout) for i in diff.items] == [("Availability", "added", [])]
