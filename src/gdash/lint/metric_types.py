"""Metric types of common exporters, so that counter checks do not guess from names.

Counter rules (PQL002, PQL003) ask :func:`metric_type`; it answers ``counter``, ``gauge``,
``histogram``, ``summary`` or ``None`` (unknown: the rules stay silent rather than guess).
The sources, in order:

1. Prometheus' metadata API (``/api/v1/metadata``) when ``gdash lint --prometheus URL`` is given;
2. ``lint.counters`` regexes from gdash.yaml (always counters);
3. the table below, written from each exporter's metric definitions (the ``prometheus.NewDesc`` /
   ``CounterOpts`` / ``GaugeOpts`` declarations and their value types): node_exporter
   ``collector/*.go`` (vmstat and netstat export ``untyped`` values that are cumulative kernel
   counters), cAdvisor ``metrics/prometheus.go``, kube-state-metrics ``internal/store/*.go``,
   kubelet/Kubernetes component metrics, postgres_exporter ``collector/*.go``, mysqld_exporter,
   redis_exporter, percona mongodb_exporter, RabbitMQ's built-in ``rabbitmq_prometheus`` plugin,
   HAProxy's built-in exporter, blackbox_exporter ``prober/*.go``, elasticsearch_exporter, etcd,
   kafka_exporter, MinIO, prometheus-pve-exporter, digitalocean_exporter, Mimir/Cortex, Prometheus, Alertmanager, Loki and Promtail;
4. the naming convention: ``_total``, ``_count``, ``_sum`` and ``_bucket`` are counter series.

Gauges that only ever grow (``kafka_topic_partition_current_offset``, ``pg_txid_current``) are
listed as ``counter``: ``rate()`` over them is what their users mean.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from .goregex import compile_go_regex

COUNTER, GAUGE, HISTOGRAM, SUMMARY = "counter", "gauge", "histogram", "summary"
TYPES = (COUNTER, GAUGE, HISTOGRAM, SUMMARY)

# (full-match regex, type); the first match wins, so exceptions come before their family.
_PATTERNS: tuple[tuple[str, str], ...] = (
    # --- node_exporter ---
    (r"node_netstat_(Tcp_CurrEstab|Tcp_MaxConn|Tcp_Rto(Algorithm|Min|Max)|Ip_Forwarding|Ip_DefaultTTL)", GAUGE),
    (r"node_netstat_[A-Za-z0-9]+_[A-Za-z0-9]+", COUNTER),  # /proc/net/{netstat,snmp,snmp6}: cumulative
    (
        r"node_vmstat_(pg[a-z_]+|pswp(in|out)|oom_kill|thp_[a-z_]+|numa_[a-z_]+|allocstall[a-z_]*|compact_[a-z_]+)",
        COUNTER,
    ),
    (r"node_vmstat_nr_[a-z_]+", GAUGE),
    (
        r"node_(memory|filesystem|hwmon|timex|sockstat|thermal_zone|power_supply|cpu_scaling|bonding)_[A-Za-z0-9_]+",
        GAUGE,
    ),
    (
        r"node_(load1|load5|load15|time_seconds|boot_time_seconds|procs_running|procs_blocked|entropy_available_bits"
        r"|filefd_allocated|filefd_maximum|nf_conntrack_entries|nf_conntrack_entries_limit|textfile_scrape_error"
        r"|textfile_mtime_seconds|md_disks|md_disks_required|md_state|network_up|network_mtu_bytes|network_speed_bytes"
        r"|network_carrier|network_info|network_iface_link|uname_info|os_info|exporter_build_info|systemd_unit_state"
        r"|reboot_required|disk_io_now|cooling_device_cur_state|cooling_device_max_state|nvme_info|dmi_info"
        r"|scrape_collector_success|scrape_collector_duration_seconds|arp_entries"
        r"|zfs_zpool_state|ipvs_backend_connections_active|ipvs_backend_connections_inactive|ipvs_backend_weight)",
        GAUGE,
    ),
    # --- cAdvisor ---
    (r"container_memory_failcnt", COUNTER),
    (
        r"container_(cpu|network|fs_(reads|writes|io|read_seconds|write_seconds|sector)|memory_failures|oom_events"
        r"|blkio_device_usage)_[a-z_]*total",
        COUNTER,
    ),
    (
        r"container_(memory_[a-z_]+|spec_[a-z_]+|fs_usage_bytes|fs_limit_bytes|fs_inodes_free|fs_inodes_total"
        r"|fs_io_current|last_seen|start_time_seconds|threads|threads_max|processes|sockets|file_descriptors"
        r"|tasks_state|cpu_load_average_10s|ulimits_soft|scrape_error|accelerator_[a-z_]+)",
        GAUGE,
    ),
    # --- kube-state-metrics: gauges, except the restart counters ---
    (r"kube_[a-z0-9_]*_total", COUNTER),  # restarts and kube-state-metrics' own list/watch counters
    (r"kube_[a-z0-9_]+", GAUGE),
    # --- Kubernetes components (counters that predate the _total convention) ---
    (
        r"kubelet_(evictions|certificate_manager_client_expiration_renew_errors|server_expiration_renew_errors"
        r"|pleg_discard_events|preemptions)",
        COUNTER,
    ),
    (
        r"kubelet_(running_pods|running_containers|node_name|certificate_manager_client_ttl_seconds"
        r"|certificate_manager_server_ttl_seconds|volume_stats_[a-z_]+|pleg_last_seen_seconds|node_startup_duration_seconds"
        r"|running_pod_count|running_container_count)",
        GAUGE,
    ),
    (
        r"kubelet_(pleg_relist_duration_seconds|pleg_relist_interval_seconds|pod_start_duration_seconds"
        r"|pod_worker_duration_seconds|runtime_operations_duration_seconds|cgroup_manager_duration_seconds)",
        HISTOGRAM,
    ),
    (
        r"(apiserver_request_duration_seconds|apiserver_request_sli_duration_seconds|etcd_request_duration_seconds"
        r"|workqueue_queue_duration_seconds|workqueue_work_duration_seconds|rest_client_request_duration_seconds"
        r"|scheduler_e2e_scheduling_duration_seconds|scheduler_scheduling_attempt_duration_seconds"
        r"|apiserver_client_certificate_expiration_seconds)",
        HISTOGRAM,
    ),
    (
        r"(apiserver_current_inflight_requests|workqueue_depth"
        r"|apiserver_storage_objects|kubernetes_build_info|kubeproxy_sync_proxy_rules_last_timestamp_seconds)",
        GAUGE,
    ),
    # --- postgres_exporter ---
    (
        r"pg_stat_database_(xact_commit|xact_rollback|blks_hit|blks_read|tup_[a-z]+|conflicts(_confl_[a-z]+)?|deadlocks"
        r"|temp_files|temp_bytes|blk_read_time|blk_write_time|checksum_failures|sessions[a-z_]*)",
        COUNTER,
    ),
    (r"pg_stat_database_(numbackends|stats_reset)", GAUGE),
    (
        r"pg_stat_bgwriter_[a-z_]+_total|pg_stat_bgwriter_(checkpoints_timed|checkpoints_req|buffers_[a-z_]+"
        r"|checkpoint_write_time|checkpoint_sync_time|maxwritten_clean)",
        COUNTER,
    ),
    (
        r"pg_stat_user_tables_(seq_scan|seq_tup_read|idx_scan|idx_tup_fetch|n_tup_ins|n_tup_upd|n_tup_del|n_tup_hot_upd"
        r"|vacuum_count|autovacuum_count|analyze_count|autoanalyze_count)",
        COUNTER,
    ),
    (r"pg_stat_user_tables_(n_live_tup|n_dead_tup|n_mod_since_analyze|last_[a-z_]+|size_bytes)", GAUGE),
    (r"pg_stat_archiver_(archived_count|failed_count)", COUNTER),
    (r"pg_stat_statements_(calls|rows|[a-z_]*time_seconds|[a-z_]*blks_[a-z_]+)(_total)?", COUNTER),
    (r"pg_txid_current|pg_stat_walreceiver_[a-z_]*lsn", COUNTER),
    (
        r"pg_(up|stat_activity_count|stat_activity_max_tx_duration|database_size_bytes|locks_count|replication_lag"
        r"|replication_lag_seconds|replication_is_replica|postmaster_start_time_seconds|settings_[a-z_]+"
        r"|exporter_last_scrape_error|txid_xmin_age|stat_replication_[a-z_]+|static|database_connection_limit"
        r"|general_index_info_pg_relation_size|stat_database_numbackends)",
        GAUGE,
    ),
    # --- mysqld_exporter (global status is exported untyped; these are cumulative) ---
    (
        r"mysql_global_status_(queries|questions|bytes_received|bytes_sent|slow_queries|connections|aborted_[a-z_]+"
        r"|com_[a-z_]+|handler_[a-z_]+|select_[a-z_]+|sort_[a-z_]+|table_locks_[a-z_]+|created_tmp_[a-z_]+"
        r"|innodb_row_lock_waits|innodb_row_lock_time|innodb_rows_[a-z_]+|innodb_data_[a-z]+|opened_[a-z_]+"
        r"|innodb_log_waits|innodb_buffer_pool_read_requests|innodb_buffer_pool_reads|threads_created)",
        COUNTER,
    ),
    (
        r"mysql_global_status_(threads_connected|threads_running|threads_cached|max_used_connections|open_files"
        r"|open_tables|uptime|innodb_buffer_pool_pages_[a-z_]+|innodb_buffer_pool_bytes_[a-z_]+|innodb_num_open_files"
        r"|innodb_page_size|wsrep_[a-z_]+)",
        GAUGE,
    ),
    (
        r"mysql_(up|global_variables_[a-z_]+|slave_status_[a-z_]+|version_info|heartbeat_now_timestamp_seconds"
        r"|heartbeat_stored_timestamp_seconds|info_schema_[a-z_]*size[a-z_]*)",
        GAUGE,
    ),
    # --- redis_exporter ---
    (
        r"redis_(up|connected_clients|blocked_clients|memory_used_bytes|memory_max_bytes|memory_used_rss_bytes"
        r"|instance_info|connected_slaves|connected_slave_[a-z_]+|rdb_last_save_timestamp_seconds|rdb_changes_since_last_save"
        r"|uptime_in_seconds|db_keys|db_keys_expiring|db_avg_ttl_seconds|master_link_up|master_repl_offset"
        r"|rdb_last_bgsave_status|aof_last_bgrewrite_status|config_maxclients|mem_fragmentation_ratio|slave_info"
        r"|replica_info|master_last_io_seconds_ago|cluster_state|cluster_slots_[a-z]+)",
        GAUGE,
    ),
    # --- percona mongodb_exporter: server status is untyped; only these are known ---
    (r"mongodb_(up|rs_members_[A-Za-z_]+|mongod_replset_[a-z_]+|members_[a-z_]+|ss_connections)", GAUGE),
    # --- RabbitMQ (rabbitmq_prometheus) ---
    (
        r"rabbitmq_(queue_messages|queue_messages_ready|queue_messages_unacked|queue_consumers|queues|connections"
        r"|channels|consumers|build_info|identity_info|process_resident_memory_bytes|resident_memory_limit_bytes"
        r"|disk_space_available_bytes|disk_space_available_limit_bytes|erlang_processes_used|erlang_processes_limit"
        r"|alarms_[a-z_]+|process_open_fds|process_max_fds|queue_messages_bytes|running|node_[a-z_]+)",
        GAUGE,
    ),
    # --- HAProxy built-in exporter ---
    (r"haproxy_(frontend|backend|server|process)_[a-z_]*total", COUNTER),
    (
        r"haproxy_(backend_current_queue|backend_max_queue|server_current_queue|backend_up|server_up|backend_status"
        r"|server_status|server_check_status|backend_active_servers|backend_backup_servers|[a-z]+_current_sessions"
        r"|[a-z]+_max_sessions|[a-z]+_limit_sessions|[a-z]+_current_session_rate|[a-z_]+_average_seconds|[a-z_]+_max_seconds"
        r"|server_weight|backend_weight|process_[a-z_]*(current|limit|max|nbthread|nbproc|pool)[a-z_]*)",
        GAUGE,
    ),
    # --- blackbox_exporter: every probe_* series is a gauge ---
    (r"probe_[a-z_]+", GAUGE),
    # --- elasticsearch_exporter ---
    (
        r"elasticsearch_indices_(store_size_bytes|segment_[a-z_]*memory_bytes|segment_count|docs|docs_deleted"
        r"|segments_memory_bytes|store_size_bytes_primary)(_total|_primary)?",
        GAUGE,
    ),  # per-index sizes and counts
    (
        r"elasticsearch_indices_[a-z_]+_time_seconds(_total)?|elasticsearch_thread_pool_(rejected|completed)_count"
        r"|elasticsearch_breakers_tripped|elasticsearch_indices_[a-z_]+_total",
        COUNTER,
    ),
    (
        r"elasticsearch_(cluster_health_[a-z_]+|jvm_memory_[a-z_]+|filesystem_data_[a-z_]+|indices_docs"
        r"|indices_store_size_bytes|process_cpu_percent|os_cpu_percent|thread_pool_(active|queue|threads|largest)_count"
        r"|node_stats_up|breakers_estimated_size_bytes|breakers_limit_size_bytes)",
        GAUGE,
    ),
    # --- etcd ---
    (
        r"etcd_(server_has_leader|server_id|server_is_leader|server_is_learner|mvcc_db_total_size_in_bytes"
        r"|mvcc_db_total_size_in_use_in_bytes|server_quota_backend_bytes|server_version|cluster_version)",
        GAUGE,
    ),
    (
        r"etcd_(disk_wal_fsync_duration_seconds|disk_backend_commit_duration_seconds|network_peer_round_trip_time_seconds)",
        HISTOGRAM,
    ),
    # --- kafka_exporter ---
    (r"kafka_(topic_partition_current_offset|topic_partition_oldest_offset|consumergroup_current_offset)", COUNTER),
    (
        r"kafka_(brokers|consumergroup_lag|consumergroup_lag_sum|consumergroup_members|topic_partitions"
        r"|topic_partition_in_sync_replica|topic_partition_leader|topic_partition_replicas|topic_partition_under_replicated_partition"
        r"|topic_partition_leader_is_preferred)",
        GAUGE,
    ),
    # --- Prometheus, Alertmanager, Go and process collectors ---
    (
        r"prometheus_(tsdb_head_series|tsdb_head_chunks|tsdb_head_min_time|tsdb_head_max_time|tsdb_blocks_loaded"
        r"|tsdb_lowest_timestamp|tsdb_storage_blocks_bytes|tsdb_wal_segment_current|config_last_reload_successful"
        r"|config_last_reload_success_timestamp_seconds|notifications_queue_length|notifications_queue_capacity"
        r"|notifications_alertmanagers_discovered|rule_group_last_duration_seconds|rule_group_interval_seconds"
        r"|rule_group_last_evaluation_timestamp_seconds|rule_group_rules|remote_storage_highest_timestamp_in_seconds"
        r"|remote_storage_queue_highest_sent_timestamp_seconds|remote_storage_shards|remote_storage_shards_max"
        r"|remote_storage_shards_min|remote_storage_shards_desired|sd_discovered_targets|target_scrape_pool_targets"
        r"|ready|build_info|engine_queries|engine_queries_concurrent_max|tsdb_head_chunks_storage_size_bytes)",
        GAUGE,
    ),
    (
        r"prometheus_(target_interval_length_seconds|engine_query_duration_seconds|rule_evaluation_duration_seconds"
        r"|rule_group_duration_seconds)",
        SUMMARY,
    ),
    (
        r"(up|scrape_duration_seconds|scrape_samples_scraped|scrape_samples_post_metric_relabeling|scrape_series_added"
        r"|ALERTS|ALERTS_FOR_STATE)",
        GAUGE,
    ),
    (
        r"process_(resident_memory_bytes|virtual_memory_bytes|virtual_memory_max_bytes|open_fds|max_fds|start_time_seconds)",
        GAUGE,
    ),
    (
        r"go_(goroutines|threads|info|memstats_[a-z_]+_bytes|memstats_last_gc_time_seconds|memstats_gc_cpu_fraction"
        r"|gc_gogc_percent|gc_gomemlimit_bytes|sched_gomaxprocs_threads)",
        GAUGE,
    ),
    (r"go_gc_duration_seconds", SUMMARY),
    (
        r"alertmanager_(config_hash|config_last_reload_successful|config_last_reload_success_timestamp_seconds"
        r"|cluster_members|cluster_enabled|alerts|silences|build_info|cluster_health_score|cluster_peer_info)",
        GAUGE,
    ),
    # --- MinIO (metrics v2 cluster gauges) and prometheus-pve-exporter ---
    (r"minio_cluster_(drive|nodes|disk)_(offline|online|total)_total|minio_cluster_capacity_[a-z_]+_total", GAUGE),
    (r"pve_not_backed_up_total", GAUGE),
    (r"digitalocean_incidents(_total)?", GAUGE),  # digitalocean_exporter: "Number of total active incidents"
    (r"cortex_ruler_managers_total", GAUGE),  # Mimir/Cortex ruler: managers currently running
    # --- Loki and Promtail ---
    (
        r"promtail_(file_bytes_total|read_bytes_total|targets_active_total|files_active_total|stream_lag_seconds"
        r"|targets_failed_total)",
        GAUGE,
    ),  # gauges despite the suffix (promtail targets/file metrics)
    (r"(loki|promtail|cortex)_request_duration_seconds", HISTOGRAM),
    (
        r"loki_(ingester_memory_streams|ingester_memory_chunks|ingester_flush_queue_length|build_info"
        r"|ruler_wal_[a-z_]*(size|timestamp)[a-z_]*|compactor_apply_retention_last_successful_run_timestamp_seconds"
        r"|boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds|ingester_wal_replay_active"
        r"|distributor_replication_factor|inflight_requests|ring_members)",
        GAUGE,
    ),
)

_COUNTER_SERIES = ("_total", "_count", "_sum", "_bucket")


def _literal_prefix(pattern: str) -> str:
    """The text every match of ``pattern`` starts with (its leading literal characters, less one
    that a quantifier may drop; none when the pattern is an alternation at its top level)."""
    depth, escaped, in_class = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return ""
    match = re.match(r"[A-Za-z0-9_:]*", pattern)
    prefix = match.group() if match else ""
    return prefix[:-1] if pattern[len(prefix) : len(prefix) + 1] in ("?", "*", "{") else prefix


# Each pattern is compiled the first time a metric starting with its literal prefix is looked up:
# a run compiles only the families its queries name (compiling the whole table costs ~7 ms).
_PREFIXES = tuple(_literal_prefix(pattern) for pattern, _ in _PATTERNS)
_compiled: dict[int, re.Pattern[str]] = {}


@lru_cache(maxsize=4096)
def table_type(metric: str) -> str | None:
    """The built-in table's type for ``metric``, or None when it is not listed."""
    for index, prefix in enumerate(_PREFIXES):
        if metric.startswith(prefix):
            pattern = _compiled.get(index)
            if pattern is None:
                pattern = _compiled[index] = re.compile(_PATTERNS[index][0])
            if pattern.fullmatch(metric):
                return _PATTERNS[index][1]
    return None


def _family_type(metric: str, known: Mapping[str, str]) -> str | None:
    kind = known.get(metric)
    if kind:
        return kind
    for suffix in _COUNTER_SERIES:
        if metric.endswith(suffix):
            family = known.get(metric[: -len(suffix)])
            if family in (HISTOGRAM, SUMMARY):
                return COUNTER if suffix != "_total" else family  # x_bucket/_count/_sum of a histogram count up
            if family == COUNTER and suffix == "_total":
                return COUNTER  # metadata names counters without their _total suffix
    return None


def metric_type(metric: str, metadata: Mapping[str, str], counters: tuple[str, ...] = ()) -> str | None:
    """``counter``, ``gauge``, ``histogram``, ``summary`` or None (unknown) for a series name.

    ``metadata``: metric family -> type, from Prometheus' ``/api/v1/metadata`` (``untyped`` and
    ``unknown`` count as unknown). ``counters``: full-match regexes of extra counters (gdash.yaml).
    Histogram and summary families answer for their ``_bucket``/``_count``/``_sum`` series as counters.
    """
    if metadata:
        kind = _family_type(metric, metadata)
        if kind in TYPES:
            return kind
    return _static_type(metric, counters)


@lru_cache(maxsize=8192)
def _static_type(metric: str, counters: tuple[str, ...]) -> str | None:
    """The type from ``lint.counters``, the exporter table and the naming convention."""
    if any(compile_go_regex(p).fullmatch(metric) for p in counters):  # validated by lint config
        return COUNTER
    kind = table_type(metric)
    if kind is not None:
        return COUNTER if kind in (HISTOGRAM, SUMMARY) and metric.endswith(_COUNTER_SERIES) else kind
    return COUNTER if metric.endswith(_COUNTER_SERIES) else None
