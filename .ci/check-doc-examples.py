"""Checks that every public module's DocC article carries the runnable example the README gives
for it, word for word, so that the two cannot drift apart; with --extract DIR, also writes each
example into DIR/<name>/main.swift, for `make docs` to compile.

The README's sections below each name a module; every ```swift block in such a section that
starts with an import is a runnable example, and must appear verbatim in one of the articles in
that module's Documentation.docc. Every module with a catalog must be named in SECTIONS and
have one. Exits 1 with
one line per problem.

usage: python3 .ci/check-doc-examples.py [--extract DIR]
"""
import pathlib
import re
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# README section -> the module whose article must show its example.
SECTIONS = {
    "A map UDF in three lines": "NumaflowMapper",
    "A source transformer": "NumaflowSourceTransformer",
    "A source": "NumaflowSourcer",
    "A stream map": "NumaflowMapStreamer",
    "A batch map": "NumaflowBatchMapper",
    "A sink": "NumaflowSinker",
    "A reducer": "NumaflowReducer",
    "A stream reducer": "NumaflowReduceStreamer",
    "A session reducer": "NumaflowSessionReducer",
    "An accumulator": "NumaflowAccumulator",
    "Side inputs": "NumaflowSideInput",
    "A serving store": "NumaflowServingStore",
    "Unit-test a handler": "NumaflowTesting",
    "Run beside other services": "NumaflowCore",
    "See inside a running UDF": "NumaflowCore",
}
DOCUMENTED = sorted(set(SECTIONS.values()))


def sections(readme):
    """Yields (heading, body) for every '## ' section."""
    parts = re.split(r"^## (.+)$", readme, flags=re.MULTILINE)
    for heading, body in zip(parts[1::2], parts[2::2]):
        yield heading.strip(), body


def examples(body):
    """The section's swift blocks that start with an import: whole programs, not fragments."""
    for block in re.findall(r"^```swift\n(.*?)^```", body, flags=re.MULTILINE | re.DOTALL):
        if block.lstrip().startswith("import "):
            yield block


def main(arguments):
    extract = pathlib.Path(arguments[1]) if arguments[:1] == ["--extract"] and len(arguments) == 2 else None
    if arguments and extract is None:
        print(__doc__)
        return 2
    if extract:
        shutil.rmtree(extract, ignore_errors=True)
    readme = (ROOT / "README.md").read_text()
    problems = []
    found = {module: 0 for module in DOCUMENTED}
    for heading, body in sections(readme):
        module = SECTIONS.get(heading)
        if module is None:
            continue
        catalog = ROOT / "Sources" / module / "Documentation.docc"
        articles = [path.read_text() for path in sorted(catalog.glob("*.md"))]
        if not articles:
            problems.append(f"{module}: no article in {catalog.relative_to(ROOT)}")
            continue
        for block in examples(body):
            found[module] += 1
            if extract:
                target = extract / f"readme-{module}-{found[module]}"
                target.mkdir(parents=True)
                (target / "main.swift").write_text(block)
            if not any(block in article for article in articles):
                first = block.strip().splitlines()[-1][:60]
                problems.append(
                    f"{module}: README section '{heading}' has an example its articles lack (ending: {first})")
    catalogs = {path.parent.name for path in (ROOT / "Sources").glob("*/Documentation.docc")}
    for module in sorted(catalogs - set(DOCUMENTED)):
        problems.append(f"{module}: has a DocC catalog but no README section in SECTIONS to take its example from")
    for module, count in found.items():
        if count == 0:
            problems.append(f"{module}: the README has no runnable example for it (a ```swift block starting with import)")
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"every documented module's article has its README example ({len(DOCUMENTED)} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
