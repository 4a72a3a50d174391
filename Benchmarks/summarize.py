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
        # A reducer's cells are per key count: "swift-reduce/10000keys".
        label = result["label"] + (f"/{result['keys']}keys" if result["label"].endswith("-reduce") else "")
        cells[(label, result["payload_size"])].append(result)

labels = [
    "bare-echo-default", "bare-echo-2MiB", "pynumaflow-async", "swift-async", "swift-sync", "swift-multiprocess",
    "before-async", "before-sync", "before-multiprocess",
    "transformer-async", "transformer-sync", "transformer-multiprocess",
    "before-transformer-async", "before-transformer-sync", "before-transformer-multiprocess",
    "mapstream-async", "batchmap-async", "batchmap-sync",
]
# Sources have baselines of their own: a source's messages are reads, not answers.
source_labels = ["bare-source", "pynumaflow-source", "swift-source", "before-source"]
# So have sinks: batches of 500 answered at their EOT.
sink_labels = ["bare-sink", "pynumaflow-sink", "swift-sink-async", "swift-sink-sync", "swift-sink-multiprocess",
               "before-sink-async", "before-sink-sync", "before-sink-multiprocess"]
sizes = sorted({size for _, size in cells})


def median(label, size, key):
    # Results from before numaflow-dev reported PSS (2026-12-07) have no such column.
    values = [r[key] for r in cells.get((label, size), []) if r.get(key, -1) >= 0]
    return statistics.median(values) if values else None


def table(size, labels, base_python, base_echo, base_async, python_cpu, columns):
    print(f"| server | msgs/s | server CPU µs/msg | peak RSS MB | peak PSS MB | {' | '.join(columns)} "
          "| reference CPU ÷ its CPU |")
    print("|" + "---|" * (6 + len(columns)))
    for label in labels:
        rate = median(label, size, "messages_per_second")
        if rate is None:
            continue
        cpu = median(label, size, "server_cpu_us_per_message")
        rss = median(label, size, "server_peak_rss_mb")
        pss = median(label, size, "server_peak_pss_mb")
        ratio = lambda base: f"{rate / base:.2f}" if base else "–"
        efficiency = f"{python_cpu / cpu:.1f}" if python_cpu and cpu else "–"
        ratios = " | ".join(ratio(base) for base in [base_python, base_echo, base_async][: len(columns)])
        print(f"| {label} | {rate:,.0f} | {cpu} | {rss} | {'–' if pss is None else pss} | {ratios} | {efficiency} |")


for size in sizes:
    if any(median(label, size, "messages_per_second") for label in source_labels):
        print(f"\n### Source read+ack (median of {len(cells.get(('swift-source', size), []))} runs)\n")
        table(size, source_labels, median("pynumaflow-source", size, "messages_per_second"),
              median("bare-source", size, "messages_per_second"), None,
              median("pynumaflow-source", size, "server_cpu_us_per_message"),
              ["× pynumaflow source", "× bare source"])
    if any(median(label, size, "messages_per_second") for label in sink_labels):
        print(f"\n### Sink, {size} B payloads (median of {len(cells.get(('swift-sink-async', size), []))} runs)\n")
        table(size, sink_labels, median("pynumaflow-sink", size, "messages_per_second"),
              median("bare-sink", size, "messages_per_second"), None,
              median("pynumaflow-sink", size, "server_cpu_us_per_message"),
              ["× pynumaflow sink", "× bare sink"])
    if median("swift-async", size, "messages_per_second") is None:
        continue
    base_python = median("pynumaflow-async", size, "messages_per_second")
    base_echo = median("bare-echo-2MiB", size, "messages_per_second")
    base_async = median("swift-async", size, "messages_per_second")
    python_cpu = median("pynumaflow-async", size, "server_cpu_us_per_message")
    print(f"\n### {size} B payloads (median of {len(cells.get(('swift-async', size), []))} runs)\n")
    table(size, labels, base_python, base_echo, base_async, python_cpu,
          ["× pynumaflow", "× bare echo (2 MiB)", "× swift async"])

# Reducers: one window, against pynumaflow's reduce counter, per key count.
for keys in (1, 10000):
    base = f"pynumaflow-reduce/{keys}keys"
    if median(f"swift-reduce/{keys}keys", 100, "messages_per_second") is None:
        continue
    print(f"\n### Reduce, one window over {keys} key(s), 100 B payloads\n")
    table(100, [base, f"swift-reduce/{keys}keys", f"before-reduce/{keys}keys"], median(base, 100, "messages_per_second"), None, None,
          median(base, 100, "server_cpu_us_per_message"), ["× pynumaflow reduce"])

# Accumulators: in order, one key, against pynumaflow's stream sorter.
if median("swift-accumulator", 100, "messages_per_second") is not None:
    print("\n### Accumulator, in order, 1 key, 100 B payloads\n")
    table(100, ["pynumaflow-accumulator", "swift-accumulator"],
          median("pynumaflow-accumulator", 100, "messages_per_second"), None, None,
          median("pynumaflow-accumulator", 100, "server_cpu_us_per_message"), ["× pynumaflow accumulator"])
