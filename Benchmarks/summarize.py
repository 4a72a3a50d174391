"""Medians of a Benchmarks/run.sh results file, as a Markdown table of ratios.

usage: python3 Benchmarks/summarize.py RESULTS.jsonl
"""
import json
import statistics
import sys
from collections import defaultdict

cells = defaultdict(list)
for line in open(sys.argv[1]):
    line = line.strip()
    if line:
        result = json.loads(line)
        cells[(result["label"], result["payload_size"])].append(result)

labels = [
    "bare-echo-default", "bare-echo-2MiB", "pynumaflow-async", "swift-async", "swift-sync", "swift-multiprocess",
    "transformer-async", "transformer-sync", "transformer-multiprocess",
    "mapstream-async", "batchmap-async", "batchmap-sync",
]
sizes = sorted({size for _, size in cells})


def median(label, size, key):
    values = [r[key] for r in cells.get((label, size), []) if r[key] >= 0]
    return statistics.median(values) if values else None


for size in sizes:
    base_python = median("pynumaflow-async", size, "messages_per_second")
    base_echo = median("bare-echo-2MiB", size, "messages_per_second")
    base_async = median("swift-async", size, "messages_per_second")
    python_cpu = median("pynumaflow-async", size, "server_cpu_us_per_message")
    print(f"\n### {size} B payloads (median of {len(cells.get(('swift-async', size), []))} runs)\n")
    print("| server | msgs/s | server CPU µs/msg | peak RSS MB | × pynumaflow | × bare echo (2 MiB) | × swift async | pynumaflow CPU ÷ its CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for label in labels:
        rate = median(label, size, "messages_per_second")
        if rate is None:
            continue
        cpu = median(label, size, "server_cpu_us_per_message")
        rss = median(label, size, "server_peak_rss_mb")
        ratio = lambda base: f"{rate / base:.2f}" if base else "–"
        efficiency = f"{python_cpu / cpu:.1f}" if python_cpu and cpu else "–"
        print(f"| {label} | {rate:,.0f} | {cpu} | {rss} | {ratio(base_python)} | {ratio(base_echo)} | {ratio(base_async)} | {efficiency} |")
