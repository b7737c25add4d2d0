"""System Overview: hosts (node-exporter), containers (cAdvisor) and scrape health."""
from gdash import Dashboard, Row, datasource_var, prom, query_var, stat, table, timeseries

HOST = 'job=~"$job", instance=~"$instance"'

dashboard = Dashboard(
    "System Overview",
    uid="system-overview",
    folder="Infrastructure",
    description="Host and container resources from node-exporter and cAdvisor.",
    tags=["system", "node-exporter", "cadvisor"],
    variables=[
        datasource_var("prometheus"),
        query_var("job", "label_values(node_uname_info, job)"),
        query_var("instance", 'label_values(node_uname_info{job=~"$job"}, instance)'),
    ],
    rows=[
        Row(
            "CPU and memory",
            timeseries(
                "CPU usage",
                prom(f'100 - avg by (instance) (rate(node_cpu_seconds_total{{mode="idle", {HOST}}}[$__rate_interval])) * 100',
                     "{{instance}}"),
                unit="percent", min=0, max=100, thresholds=[80, 90],
                description="Share of CPU time not idle, averaged over all cores of each host.",
            ),
            timeseries(
                "Memory usage",
                prom(f"(1 - node_memory_MemAvailable_bytes{{{HOST}}} / node_memory_MemTotal_bytes{{{HOST}}}) * 100",
                     "{{instance}}"),
                unit="percent", min=0, max=100, thresholds=[85, 95],
                description="Memory in use (total minus available) as a share of total memory.",
            ),
            timeseries(
                "Load average",
                prom(f"node_load1{{{HOST}}}", "{{instance}} 1m"),
                prom(f"node_load5{{{HOST}}}", "{{instance}} 5m"),
                prom(f"node_load15{{{HOST}}}", "{{instance}} 15m"),
                unit="short",
                description="Run-queue length averaged over 1, 5 and 15 minutes; compare with the core count.",
            ),
        ),
        Row(
            "Disk",
            timeseries(
                "Disk usage",
                prom(f'(1 - node_filesystem_avail_bytes{{fstype!~"tmpfs|overlay", {HOST}}} '
                     f'/ node_filesystem_size_bytes{{fstype!~"tmpfs|overlay", {HOST}}}) * 100',
                     "{{instance}} {{mountpoint}}"),
                unit="percent", min=0, max=100, thresholds=[80, 90],
                description="Used space per filesystem (tmpfs and overlay excluded).",
            ),
            timeseries(
                "Disk I/O",
                prom(f"rate(node_disk_read_bytes_total{{{HOST}}}[$__rate_interval])", "{{instance}} {{device}} read"),
                prom(f"rate(node_disk_written_bytes_total{{{HOST}}}[$__rate_interval])", "{{instance}} {{device}} write"),
                unit="Bps",
                description="Bytes read from and written to each block device per second.",
            ),
        ),
        Row(
            "Network",
            timeseries(
                "Network traffic",
                prom(f'rate(node_network_receive_bytes_total{{device!="lo", {HOST}}}[$__rate_interval])',
                     "{{instance}} {{device}} in"),
                prom(f'rate(node_network_transmit_bytes_total{{device!="lo", {HOST}}}[$__rate_interval])',
                     "{{instance}} {{device}} out"),
                unit="Bps",
                description="Bytes received and sent per second on each interface (loopback excluded).",
            ),
            timeseries(
                "Network errors",
                prom(f"rate(node_network_receive_errs_total{{{HOST}}}[$__rate_interval])", "{{instance}} {{device}} rx"),
                prom(f"rate(node_network_transmit_errs_total{{{HOST}}}[$__rate_interval])", "{{instance}} {{device}} tx"),
                unit="pps",
                description="Receive and transmit errors per second; anything above zero deserves a look.",
            ),
        ),
        Row(
            "Containers",
            timeseries(
                "Container CPU",
                prom('sum by (name) (rate(container_cpu_usage_seconds_total{name!=""}[$__rate_interval]))', "{{name}}"),
                unit="percentunit",
                description="CPU cores used by each container (cAdvisor), 1.0 = one full core.",
            ),
            timeseries(
                "Container memory",
                prom('sum by (name) (container_memory_working_set_bytes{name!=""})', "{{name}}"),
                unit="bytes",
                description="Working set of each container (cAdvisor): what the OOM killer and memory limits count.",
            ),
        ),
        Row(
            "Probes",
            stat(
                "Probes failing",
                prom('count(probe_success{job="blackbox"} == 0) or vector(0)'),
                unit="none", thresholds=[1], graph=False,
                description="Blackbox-exporter probes that fail right now.",
            ),
            timeseries(
                "Probe duration",
                prom('probe_duration_seconds{job="blackbox"}', "{{instance}}"),
                unit="s", w=18,
                description="Time each blackbox probe took, per probed endpoint.",
            ),
        ),
        Row(
            "Scrape health",
            stat(
                "Targets down",
                prom("count(up == 0) or vector(0)"),
                unit="none", thresholds=[1], graph=False,
                description="Scrape targets Prometheus cannot reach right now.",
            ),
            table(
                "Up by job",
                prom("sum by (job) (up)", instant=True, format="table"),
                unit="none", w=18,
                description="Number of healthy scrape targets per job.",
            ),
        ),
    ],
)
