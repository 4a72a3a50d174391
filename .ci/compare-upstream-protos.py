#!/usr/bin/env python3
"""Compares Protos/ with Numaflow's own protos, as the wire sees them: every message's fields
(number, name, type, label, oneof, optional), every enum's values and every RPC's types and
streaming. Comments, options and file layout are not compared: Protos/ is written for this SDK,
and numa's protos are the truth for what goes on the wire.

usage: .ci/compare-upstream-protos.py NUMAFLOW_GIT_DIR [REF ...]
  NUMAFLOW_GIT_DIR: a clone of numaproj/numaflow (a bare one will do); each REF (default: main)
  is read from it with `git archive`, nothing is checked out. Exits 1 when a REF differs.
  Needs protoc (Debian's protobuf-compiler) and Python's protobuf package.
Not run by CI, which has no copy of Numaflow: run it when Numaflow tags a release.
"""
import pathlib
import subprocess
import sys
import tarfile
import tempfile

from google.protobuf import descriptor_pb2

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The services a UDF serves, in Numaflow's tree; their imports come with them.
UPSTREAM_SERVICES = [
    "map/v1/map.proto",
    "sourcetransform/v1/sourcetransform.proto",
    "source/v1/source.proto",
    "sink/v1/sink.proto",
    "reduce/v1/reduce.proto",
    "sessionreduce/v1/sessionreduce.proto",
    "accumulator/v1/accumulator.proto",
    "sideinput/v1/sideinput.proto",
    "serving/v1/store.proto",
]


def wire_shape(include, files):
    """Every type and RPC that `files` and their imports declare, as the wire sees them."""
    with tempfile.NamedTemporaryFile(suffix=".pb") as output:
        # protoc's warnings (an unused import upstream) are not the wire's business; its errors are.
        compiled = subprocess.run(
            ["protoc", "-I", include, "--include_imports", "-o", output.name, *files],
            cwd=include, capture_output=True, text=True,
        )
        if compiled.returncode != 0:
            sys.exit(f"protoc could not read the protos in {include}:\n{compiled.stderr}")
        descriptors = descriptor_pb2.FileDescriptorSet.FromString(pathlib.Path(output.name).read_bytes())
    types, rpcs = {}, {}

    def enum(name, declaration):
        types[name] = sorted((value.number, value.name) for value in declaration.value)

    def message(name, declaration):
        types[name] = sorted(
            (
                field.number,
                field.name,
                descriptor_pb2.FieldDescriptorProto.Type.Name(field.type),
                descriptor_pb2.FieldDescriptorProto.Label.Name(field.label),
                field.type_name,
                declaration.oneof_decl[field.oneof_index].name if field.HasField("oneof_index") else "",
                field.proto3_optional,
            )
            for field in declaration.field
        )
        for nested in declaration.nested_type:
            message(f"{name}.{nested.name}", nested)
        for nested in declaration.enum_type:
            enum(f"{name}.{nested.name}", nested)

    for file in descriptors.file:
        if file.package.startswith("google."):
            continue
        for declaration in file.message_type:
            message(f".{file.package}.{declaration.name}", declaration)
        for declaration in file.enum_type:
            enum(f".{file.package}.{declaration.name}", declaration)
        for service in file.service:
            for method in service.method:
                rpcs[f".{file.package}.{service.name}/{method.name}"] = (
                    method.input_type,
                    method.output_type,
                    "client streaming" if method.client_streaming else "unary request",
                    "server streaming" if method.server_streaming else "unary response",
                )
    return types, rpcs


def differences(ours, theirs, what):
    lines = []
    for name in sorted(set(ours) | set(theirs)):
        if name not in theirs:
            lines.append(f"  {what} {name}: only in Protos/")
        elif name not in ours:
            lines.append(f"  {what} {name}: only upstream")
        elif ours[name] != theirs[name]:
            lines.append(f"  {what} {name}:\n    Protos/  {ours[name]}\n    upstream {theirs[name]}")
    return lines


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    repository, refs = sys.argv[1], sys.argv[2:] or ["main"]
    protos = ROOT / "Protos"
    ours = wire_shape(protos, [str(path.relative_to(protos)) for path in sorted(protos.rglob("*.proto"))])
    failed = False
    for ref in refs:
        with tempfile.TemporaryDirectory() as folder:
            archive = subprocess.run(
                ["git", "-C", repository, "archive", ref, "pkg/apis/proto"], check=True, capture_output=True
            ).stdout
            with tempfile.TemporaryFile() as tar:
                tar.write(archive)
                tar.seek(0)
                # `filter` (refusing links and paths out of the folder) is in Python 3.12 and in
                # later 3.8-3.11 patch releases; without it, the archive is git's own output.
                safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                tarfile.open(fileobj=tar).extractall(folder, **safe)
            theirs = wire_shape(f"{folder}/pkg/apis/proto", UPSTREAM_SERVICES)
        lines = differences(ours[0], theirs[0], "type") + differences(ours[1], theirs[1], "rpc")
        if lines:
            failed = True
            print(f"{ref}: Protos/ differs from Numaflow's protos on the wire")
            print("\n".join(lines))
        else:
            print(f"{ref}: the same on the wire ({len(theirs[0])} types, {len(theirs[1])} RPCs)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
