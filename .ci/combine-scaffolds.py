#!/usr/bin/env python3
"""Writes one Package.swift that builds the targets of several `numaflow-dev init` packages
together, each with the dependencies its own manifest declares (read with `swift package
dump-package`), so that twelve scaffolds cost one build plan and one test run instead of twelve.

usage: combine-scaffolds.py DIR PACKAGE...   (each PACKAGE a folder of DIR; writes DIR/Package.swift)
"""
import json
import subprocess
import sys

FOLDERS = {"regular": "Sources", "executable": "Sources", "test": "Tests"}
DECLARATIONS = {"regular": ".target", "executable": ".executableTarget", "test": ".testTarget"}


def manifest(directory):
    dump = subprocess.run(
        ["swift", "package", "dump-package"], cwd=directory, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(dump)


def dependency(entry):
    if "byName" in entry:
        return json.dumps(entry["byName"][0])
    if "target" in entry:
        return json.dumps(entry["target"][0])
    name, package = entry["product"][0], entry["product"][1]
    return f".product(name: {json.dumps(name)}, package: {json.dumps(package)})"


def main():
    root, packages = sys.argv[1], sys.argv[2:]
    sdk_paths, targets = set(), []
    for package in packages:
        description = manifest(f"{root}/{package}")
        for entry in description["dependencies"]:
            for local in entry.get("fileSystem", []):
                sdk_paths.add(local["path"])
        for target in description["targets"]:
            kind = target["type"]
            if kind not in DECLARATIONS:
                sys.exit(f"{package}: target {target['name']} is a {kind} target, which this check does not build")
            path = target.get("path") or f"{FOLDERS[kind]}/{target['name']}"
            dependencies = ", ".join(dependency(d) for d in target["dependencies"])
            targets.append(
                f"    {DECLARATIONS[kind]}(name: {json.dumps(target['name'])}, "
                f"dependencies: [{dependencies}], path: {json.dumps(f'{package}/{path}')}),"
            )
    if len(sdk_paths) != 1:
        sys.exit(f"the packages depend on {len(sdk_paths)} local SDK checkouts, not one: {sorted(sdk_paths)}")
    text = "\n".join(
        [
            "// swift-tools-version: 6.2",
            "// Written by .ci/combine-scaffolds.py: the targets of " + ", ".join(packages) + ".",
            "import PackageDescription",
            "",
            "let package = Package(",
            '  name: "scaffolds",',
            "  platforms: [.macOS(.v15)],",
            f"  dependencies: [.package(path: {json.dumps(sdk_paths.pop())})],",
            "  targets: [",
            *targets,
            "  ],",
            "  swiftLanguageModes: [.v6]",
            ")",
            "",
        ]
    )
    with open(f"{root}/Package.swift", "w") as file:
        file.write(text)


if __name__ == "__main__":
    main()
