#!/usr/bin/env python3
"""The Swift version this project asks for must be one that can build it: at least the highest
swift-tools-version among the resolved dependencies' manifests (a lower one fails to resolve,
with an error that names a package the user never chose). Every place that states it says the
same: the package manifest, the map-observed example's, the manifest `numaflow-dev init`
writes, the README's snippet and sentences, and .ci/combine-scaffolds.py's.

usage: .ci/check-swift-version.py [CHECKOUTS]   (default .build/checkouts, after a build)
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOOLS = re.compile(r"swift-tools-version:\s*(\d+(?:\.\d+)*)")
# Where the version is stated, and how to find it there.
STATED = {
    "Package.swift": TOOLS,
    "Examples/map-observed/Package.swift": TOOLS,
    "Sources/numaflow-dev/Scaffold.swift": TOOLS,
    ".ci/combine-scaffolds.py": TOOLS,
    "README.md": re.compile(r"swift-tools-version:\s*(\d+(?:\.\d+)*)|Swift (\d+\.\d+) or later"),
}


def version(text):
    return tuple(int(part) for part in text.split("."))


def main():
    checkouts = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".build/checkouts")
    floors = {}
    for manifest in sorted(checkouts.glob("*/Package.swift")):
        found = TOOLS.search(manifest.read_text().splitlines()[0])
        if found:
            floors[manifest.parent.name] = version(found.group(1))
    if not floors:
        sys.exit(f"no dependency manifests under {checkouts}: build first")
    floor = max(floors.values())
    asking = sorted(name for name, wanted in floors.items() if wanted == floor)

    stated = {}
    for path, pattern in STATED.items():
        matches = [next(group for group in match.groups() if group) for match in pattern.finditer((ROOT / path).read_text())]
        if not matches:
            sys.exit(f"{path}: states no Swift version")
        stated.update({(path, index): version(text)[:2] for index, text in enumerate(matches)})
    named = "Swift " + ".".join(map(str, floor[:2]))
    problems = [f"{path}: says Swift {'.'.join(map(str, said))}, the dependencies need {named} or later"
                for (path, _), said in stated.items() if said < floor[:2]]
    if len(set(stated.values())) > 1:
        problems += [f"{path}: says Swift {'.'.join(map(str, said))}" for (path, _), said in stated.items()]
        problems.append("the places that state the Swift version disagree")
    if problems:
        print("\n".join(problems))
        sys.exit(f"the dependencies' floor is {named} (asked by {', '.join(asking)})")
    said = ".".join(map(str, next(iter(stated.values()))))
    print(f"Swift {said} stated everywhere; the floor of {len(floors)} dependencies is {named}")


if __name__ == "__main__":
    main()
