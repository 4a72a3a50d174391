"""Lean as native: server CPU per message and peak memory of the Swift SDK's map server against a
native gRPC C++ echo (Benchmarks/native/echo_server.cc), a bare grpc-swift echo and pynumaflow,
all driven by the same native C++ client (Benchmarks/native/map_client.cc) on one MapFn stream.

Two clients: `each` writes every request as its own flushed message; `batched` corks writes
with gRPC's buffer hint and flushes every 500 (a read batch), as numa's writer does. Either with
`-numa` (`--clients each-numa batched-numa`) sends requests shaped as numa sends those it read
from the ISB (a watermark, headers, the previous vertex in the metadata). Each server runs as
deployed (the image's environment, Docker/runtime.env). Measured over the client's run: the CPU
of the server's whole process tree (utime + stime from /proc, workers included), its minor page
faults (memory the kernel hands it afresh, such as heap malloc gave back and asks for again),
peak RSS (the sum of each process's VmHWM) and the peak of the sum of their PSS (shared pages
counted once, as a pod's memory cgroup charges them; sampled every 20 ms), and each thread's CPU
and context switches (`threads`). Prints JSON lines, then a table of medians with ratios to the
C++ echo, each server's fastest run and its ratio to the echo's fastest, each server's runs'
spread (slowest ÷ fastest), and a warning when any spread is wider than 1.15×, the tightest
target, which the median of such runs cannot judge; with --threads, a second table with each busy
thread's medians. A busy host only ever adds CPU time to a run (another tenant's cache misses, a
stolen core), so where runs spread wide the fastest of many is the steadier figure of what the
server itself costs.

usage: python3 Benchmarks/native.py [--runs 3] [--count-small 40000] [--count-large 20000]
                                    [--only LABEL ...] [--clients each batched each-numa batched-numa]
                                    [--baseline-bin DIR [--baseline-label NAME]]
                                    [--static] [--pin] [--unset VAR ...] [--threads]

With --unset VAR, each Swift server (the SDK's, --baseline-bin's and the bare grpc-swift echo) is
measured a second time with VAR removed from its environment (labelled LABEL-without-VAR): what
one of the image's settings is worth, in the same run. VAR,VAR removes several at once.

With --pin, the client (and this script) run on the first CPU and every server on the others:
numa runs in a container of its own, and on a node of many cores its threads seldom take a core
from the UDF's. Unpinned on a small host, the client and the server share the cores, and where
the scheduler puts a server's threads beside the client's decides a run as much as the server
does (sync mode's hand-off most: its runs are bimodal unpinned, see Benchmarks/README.md).

Builds the C++ pair into .build-native (Debian's libgrpc++-dev, protobuf-compiler-grpc and
pkg-config, installed if missing) and the Swift servers with swift build -c release; with
--static, as the image builds them (Docker/build-flags.sh's flags, into .build-image): the build
as deployed.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from runtime_env import runtime_env

ROOT = Path(__file__).resolve().parent.parent
NATIVE = ROOT / ".build-native"
TICKS = os.sysconf("SC_CLK_TCK")


def build_native():
    if not shutil.which("grpc_cpp_plugin") or subprocess.run(["pkg-config", "--exists", "grpc++"]).returncode:
        print("installing Debian's libgrpc++-dev, protobuf-compiler-grpc and pkg-config", file=sys.stderr)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "libgrpc++-dev", "protobuf-compiler-grpc", "pkg-config"],
                       check=True, env=env, stdout=subprocess.DEVNULL)
    generated = NATIVE / "gen"
    generated.mkdir(parents=True, exist_ok=True)
    protos = ["map/v1/map.proto", "common/nack_options.proto", "metadata.proto"]
    subprocess.run(["protoc", "-I", str(ROOT / "Protos"), "-I", "/usr/include", f"--cpp_out={generated}",
                    f"--grpc_out={generated}", "--plugin=protoc-gen-grpc=" + shutil.which("grpc_cpp_plugin"), *protos],
                   check=True)
    sources = [generated / p.replace(".proto", ".pb.cc") for p in protos] + [generated / "map/v1/map.grpc.pb.cc"]
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "grpc++", "protobuf"], check=True,
                           capture_output=True, text=True).stdout.split()
    for program in ["echo_server", "map_client"]:
        source = ROOT / "Benchmarks/native" / f"{program}.cc"
        target = NATIVE / program
        if target.exists() and target.stat().st_mtime > source.stat().st_mtime:
            continue
        subprocess.run(["g++", "-O2", "-std=c++17", "-I", str(generated), str(source), *map(str, sources), "-o",
                        str(target), *flags, "-lpthread"], check=True)


def tree(pid):
    """pid and its descendants."""
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        children = []
        # Each thread has its own list: a worker may be started from any of them.
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children += (task / "children").read_text().split()
            except OSError:
                pass
        pids += map(int, children)
        frontier += map(int, children)
    return pids


def stat_totals(pids):
    """CPU seconds (utime + stime) and minor page faults, summed over `pids`."""
    seconds = faults = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            seconds += (int(fields[11]) + int(fields[12])) / TICKS
            faults += int(fields[7])
        except OSError:
            pass
    return seconds, faults


def thread_totals(pids):
    """(process index, thread name) -> [CPU seconds, voluntary and involuntary context switches],
    for every thread of `pids`: which thread spends a server's CPU, and how often it sleeps
    (voluntary: it waited, to be woken by another thread or the kernel) or is preempted."""
    totals = {}
    for index, pid in enumerate(pids):
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
                status = (task / "status").read_text()
                name = (task / "comm").read_text().strip()
            except OSError:
                continue
            switches = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines()
                        if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"))}
            entry = totals.setdefault((index, name), [0.0, 0, 0])
            entry[0] += (int(fields[11]) + int(fields[12])) / TICKS
            entry[1] += switches.get("voluntary_ctxt_switches", 0)
            entry[2] += switches.get("nonvoluntary_ctxt_switches", 0)
    return totals


def thread_rows(before, after, count):
    """What each thread did over the run, per message, the busy ones only."""
    rows = []
    for (index, name), (seconds, voluntary, involuntary) in sorted(after.items()):
        start = before.get((index, name), [0.0, 0, 0])
        cpu, slept, preempted = seconds - start[0], voluntary - start[1], involuntary - start[2]
        if cpu > 0 or slept + preempted > count / 1000:
            rows.append({"process": index, "thread": name, "cpu_us_per_message": round(cpu * 1e6 / count, 2),
                         "voluntary_per_1000": round(slept * 1000 / count, 1),
                         "involuntary_per_1000": round(preempted * 1000 / count, 1)})
    return rows


def summed_mb(pids, file, field):
    """The sum over the processes of one kB figure of /proc/PID/FILE."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def peak_rss_mb(pids):
    return summed_mb(pids, "status", "VmHWM:")


def pss_mb(pids):
    """The processes' proportional set size: shared pages (the binary, its libraries) counted
    once across them, as a pod's memory cgroup charges them."""
    return summed_mb(pids, "smaps_rollup", "Pss:")


def pin_to_first_cpu():
    """Moves this script (its memory sampling included) to the first CPU it may use, where the
    client will run; returns taskset's prefix for the servers: every other CPU."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise SystemExit("--pin needs at least two CPUs: one for the client, the rest for the server")
    os.sched_setaffinity(0, {cpus[0]})
    return ["taskset", "-c", ",".join(map(str, cpus[1:]))]


def measure(label, command, socket, env, size, count, client, window, server_cpus=()):
    if os.path.exists(socket):  # the same server measured again (--unset): not the last one's socket
        os.unlink(socket)
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([*server_cpus, *command], env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    try:
        for _ in range(400):
            if os.path.exists(socket):
                break
            time.sleep(0.025)
        time.sleep(0.3)  # multiprocess: the workers start after the socket
        # A short warm-up on its own stream (again if the server was not listening yet), then the
        # measured run.
        for attempt in range(3):
            warm = subprocess.run([str(NATIVE / "map_client"), socket, "2000", str(size), str(window), client],
                                  capture_output=True, text=True)
            if warm.returncode == 0:
                break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"{label}: the warm-up failed: {warm.stderr.strip()}")
        pids = tree(process.pid)
        before, faults_before = stat_totals(pids)
        threads_before = thread_totals(pids)
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            run_client = subprocess.Popen([str(NATIVE / "map_client"), socket, str(count), str(size), str(window),
                                           client], stdout=out, stderr=err, text=True)
            # The kernel keeps no peak of PSS: sample it while the client runs.
            pss = 0
            while run_client.poll() is None:
                pss = max(pss, pss_mb(pids))
                time.sleep(0.02)
            out.seek(0)
            err.seek(0)
            result = subprocess.CompletedProcess(run_client.args, run_client.returncode, out.read(), err.read())
        if result.returncode != 0:
            log.seek(0)
            server_log = log.read().decode(errors="replace").splitlines()[-10:]
            raise RuntimeError(f"{label}, {client} {size} B: the client failed: {result.stderr.strip()}\n"
                               "the server's last lines:\n" + "\n".join(server_log))
        pids = tree(process.pid)
        after, faults_after = stat_totals(pids)
        threads = thread_rows(threads_before, thread_totals(pids), count)
        pss = max(pss, pss_mb(pids))
        run = json.loads(result.stdout)
        return {"label": label, "client": client, "payload": size, "messages": count,
                "messages_per_second": run["messages_per_second"],
                "server_cpu_us_per_message": round((after - before) * 1e6 / count, 2),
                "page_faults_per_message": round((faults_after - faults_before) / count, 2),
                "peak_rss_mb": round(peak_rss_mb(pids), 1), "peak_pss_mb": round(pss, 1),
                "processes": len(pids), "pinned": bool(server_cpus), "threads": threads}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def servers(bin_dir, directory, baseline_bin=None, baseline_label="before"):
    """label -> (command, socket path, extra environment)."""
    swift = {f"swift-{mode}": ([f"{bin_dir}/map-forward-message", "--mode", mode], mode)
             for mode in ["async", "sync", "multiprocess"]}
    if baseline_bin:
        swift.update({f"{baseline_label}-{mode}": ([f"{baseline_bin}/map-forward-message", "--mode", mode],
                                                   f"{baseline_label}-{mode}")
                      for mode in ["async", "sync", "multiprocess"]})
    entries = {"cpp-echo": ([str(NATIVE / "echo_server"), f"{directory}/cpp/map.sock"], "cpp"),
               "bare-grpc-swift": ([f"{bin_dir}/bare-echo-server", f"{directory}/bare/map.sock"], "bare"),
               **swift,
               # The same echo as an `async throws` handler (the test fixture's), in async mode.
               "swift-async-handler": ([f"{bin_dir}/fixture-server", "--mode", "async"], "fixture"),
               "pynumaflow-async": ([sys.executable, str(ROOT / "Benchmarks/pynumaflow_echo.py"),
                                     f"{directory}/python"], "python")}
    for label, (command, folder) in entries.items():
        yield label, command, f"{directory}/{folder}/map.sock", {"NUMAFLOW_SWIFT_RUN_DIR": f"{directory}/{folder}"}


# The tightest of issue 20's ratios (sync ≤ 1.15× async): a cell whose runs spread wider cannot
# judge it with their median.
JUDGEABLE_SPREAD = 1.15


def summarize(rows):
    print("\n| client | payload | server | CPU µs/msg | × C++ echo | fastest run | × its fastest | runs' spread | "
          "page faults/msg | peak RSS MB | peak PSS MB | msgs/s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    spreads = []
    keys = sorted({(r["client"], r["payload"]) for r in rows})
    for client, size in keys:
        cell = [r for r in rows if r["client"] == client and r["payload"] == size]
        labels = list(dict.fromkeys(r["label"] for r in cell))
        med = {label: {k: statistics.median(r[k] for r in cell if r["label"] == label)
                       for k in ["server_cpu_us_per_message", "page_faults_per_message", "peak_rss_mb", "peak_pss_mb",
                                 "messages_per_second"]}
               for label in labels}
        cpu = {label: [r["server_cpu_us_per_message"] for r in cell if r["label"] == label] for label in labels}
        fastest = {label: min(runs) for label, runs in cpu.items()}
        base = med.get("cpp-echo", {}).get("server_cpu_us_per_message")
        fastest_base = fastest.get("cpp-echo")
        for label in labels:
            m = med[label]
            ratio = f"{m['server_cpu_us_per_message'] / base:.2f}" if base else "-"
            fastest_ratio = f"{fastest[label] / fastest_base:.2f}" if fastest_base else "-"
            spread = max(cpu[label]) / fastest[label] if fastest[label] > 0 else float("inf")
            spreads.append(spread)
            print(f"| {client} | {size} B | {label} | {m['server_cpu_us_per_message']:.1f} | {ratio} | "
                  f"{fastest[label]:.1f} | {fastest_ratio} | {spread:.2f}× | {m['page_faults_per_message']:.2f} | "
                  f"{m['peak_rss_mb']:.1f} | {m['peak_pss_mb']:.1f} | {m['messages_per_second']:.0f} |")
    wide = sum(spread > JUDGEABLE_SPREAD for spread in spreads)
    if wide:
        print(f"\n{wide} of {len(spreads)} servers' runs in a cell spread wider than {JUDGEABLE_SPREAD}× (slowest run ÷ "
              "fastest): their medians cannot judge a 15% target; run again on a quieter host, or with more runs "
              "and compare the fastest.")


def summarize_threads(rows):
    """Per cell and server, each busy thread's medians over the runs: where the CPU goes."""
    print("\n| client | payload | server | process | thread | CPU µs/msg | slept /1000 msgs | preempted /1000 msgs |")
    print("|---|---|---|---|---|---|---|---|")
    for client, size in sorted({(r["client"], r["payload"]) for r in rows}):
        cell = [r for r in rows if r["client"] == client and r["payload"] == size]
        for label in dict.fromkeys(r["label"] for r in cell):
            runs = [r["threads"] for r in cell if r["label"] == label]
            for process, thread in dict.fromkeys((t["process"], t["thread"]) for run in runs for t in run):
                def median(key):
                    return statistics.median(next((t[key] for t in run if (t["process"], t["thread"]) ==
                                                   (process, thread)), 0) for run in runs)
                print(f"| {client} | {size} B | {label} | {process} | {thread} | {median('cpu_us_per_message'):.2f} | "
                      f"{median('voluntary_per_1000'):.1f} | {median('involuntary_per_1000'):.1f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count-small", type=int, default=40000)
    parser.add_argument("--count-large", type=int, default=20000)
    parser.add_argument("--window", type=int, default=500, help="requests in flight, as numa's read batch")
    parser.add_argument("--only", nargs="*", help="labels to measure (default: all)")
    parser.add_argument("--clients", nargs="*", default=["each", "batched"])
    parser.add_argument("--baseline-bin", help="a directory with an earlier build's map-forward-message, "
                        "measured as before-<mode> (or --baseline-label's NAME-<mode>)")
    parser.add_argument("--baseline-label", default="before", metavar="NAME",
                        help="label --baseline-bin's servers NAME-<mode> (a variant rather than an earlier build)")
    parser.add_argument("--static", action="store_true",
                        help="build the Swift servers as the image does: Docker/build-flags.sh, into .build-image")
    parser.add_argument("--unset", nargs="*", default=[], metavar="VAR",
                        help="measure each Swift server again without VAR (or VAR,VAR) in its environment")
    parser.add_argument("--pin", action="store_true",
                        help="the client and this script on the first CPU, the servers on the others")
    parser.add_argument("--threads", action="store_true",
                        help="also print each server thread's CPU and context switches per message")
    arguments = parser.parse_args()
    build_native()
    try:
        __import__("pynumaflow")
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pynumaflow==0.14.0"], check=True)
    build = ["swift", "build", "-c", "release"]
    if arguments.static:
        flags = subprocess.run([str(ROOT / "Docker/build-flags.sh")], check=True, capture_output=True, text=True)
        build = ["swift", "build", *flags.stdout.split(), "--scratch-path", str(ROOT / ".build-image")]
    for product in ["map-forward-message", "bare-echo-server", "fixture-server"]:
        subprocess.run([*build, "--product", product], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    bin_dir = subprocess.run([*build, "--show-bin-path"], check=True, cwd=ROOT,
                             capture_output=True, text=True).stdout.strip()
    env = dict(os.environ, **runtime_env())
    # After the builds, which may use every CPU.
    server_cpus = pin_to_first_cpu() if arguments.pin else []
    rows = []
    for _ in range(arguments.runs):
        for client in arguments.clients:
            for size in [100, 10240]:
                count = arguments.count_small if size < 1000 else arguments.count_large
                with tempfile.TemporaryDirectory() as directory:
                    for label, command, socket, extra in servers(bin_dir, directory, arguments.baseline_bin,
                                                                     arguments.baseline_label):
                        if arguments.only and label not in arguments.only:
                            continue
                        os.makedirs(os.path.dirname(socket), exist_ok=True)
                        variants = [(label, dict(env, **extra))]
                        if label.startswith(("swift-", f"{arguments.baseline_label}-", "bare-")):
                            variants += [(f"{label}-without-{names}",
                                          {k: v for k, v in dict(env, **extra).items()
                                           if k not in names.split(",")})
                                         for names in arguments.unset]
                        for variant, variant_env in variants:
                            row = measure(variant, command, socket, variant_env, size, count, client,
                                          arguments.window, server_cpus)
                            print(json.dumps(row), flush=True)
                            rows.append(row)
    summarize(rows)
    if arguments.threads:
        summarize_threads(rows)


if __name__ == "__main__":
    main()
