"""Runs every example's pipeline manifest end to end with `numaflow-dev pipeline run` and checks
its sink lines against the example's pipeline-expected.jsonl.

Each example with manifests/pipeline.yaml has pipeline.args (the run's arguments, one per line,
`{bin}` standing for the build's bin directory, `#` lines ignored; `# requires: PATH` skips the example, saying so, when PATH is not built) and
pipeline-expected.jsonl
(the lines the run must print, in order). Every run starts at 2026-01-01T00:00:00Z, so event
times and the generator's payloads are the same each time; where a line holds what the example
makes up as it runs (a clock reading, a side input's value), `…` in the expected line stands for
any text. Exits 1 naming each example whose lines differ, with both versions.

usage: python3 .ci/check-pipelines.py BIN_DIR [EXAMPLE ...] [--update]
  --update writes each run's lines as its expected file (review the diff before committing).
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
START = "2026-01-01T00:00:00Z"


def matches(expected, actual):
    pattern = "".join(".*" if part == "…" else re.escape(part) for part in re.split("(…)", expected))
    return re.fullmatch(pattern, actual) is not None


def run(example, bin_dir):
    folder = ROOT / "Examples" / example
    args = [
        line.strip().replace("{bin}", bin_dir)
        for line in (folder / "pipeline.args").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    command = [f"{bin_dir}/numaflow-dev", "pipeline", "run", str(folder / "manifests" / "pipeline.yaml"),
               "--start-time", START, *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    return command, result


def main():
    arguments = [a for a in sys.argv[1:] if a != "--update"]
    update = "--update" in sys.argv
    if not arguments:
        sys.exit(__doc__)
    bin_dir, chosen = arguments[0], arguments[1:]
    examples = chosen or sorted(p.parent.parent.name for p in (ROOT / "Examples").glob("*/manifests/pipeline.yaml"))
    failures = []
    for example in examples:
        folder = ROOT / "Examples" / example
        if not (folder / "pipeline.args").exists():
            failures.append(f"{example}: no pipeline.args")
            continue
        required = [line.split(":", 1)[1].strip() for line in (folder / "pipeline.args").read_text().splitlines()
                    if line.startswith("# requires:")]
        missing = [path for path in required if not (ROOT / path).exists()]
        if missing:
            print(f"skipped: {example} (not built: {', '.join(missing)})")
            continue
        command, result = run(example, bin_dir)
        actual = result.stdout.splitlines()
        if update and result.returncode == 0:
            (folder / "pipeline-expected.jsonl").write_text("".join(line + "\n" for line in actual))
        expected_path = folder / "pipeline-expected.jsonl"
        expected = expected_path.read_text().splitlines() if expected_path.exists() else []
        ok = result.returncode == 0 and len(expected) == len(actual) and all(map(matches, expected, actual))
        print(f"{'ok' if ok else 'FAILED'}: {example} ({len(actual)} lines)")
        if not ok:
            failures.append(
                f"{example}: exit {result.returncode}\n  command: {' '.join(command)}\n"
                + "  expected:\n" + "".join(f"    {line}\n" for line in expected)
                + "  actual:\n" + "".join(f"    {line}\n" for line in actual)
                + "  stderr (last 20 lines):\n" + "".join(f"    {line}\n" for line in result.stderr.splitlines()[-20:]))
    for failure in failures:
        print(failure, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
