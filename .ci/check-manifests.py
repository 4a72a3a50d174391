"""Parses every Examples/*/manifests/*.yaml and checks it against what its example is.

An example's kind is the server its main.swift starts (MapServer, SinkServer, ...). Its image,
numaflow-swift/<example>:latest, must appear in its manifest where that kind of UDF goes (a map
in a vertex's udf.container, a source in source.udsource.container, a reducer in a udf with the
right groupBy window, a retriever in spec.sideInputs, a store in a ServingPipeline's
spec.serving.store.container), and every numaflow-swift image a manifest names must be an
example whose kind fits the place it is used. Exits 1 with one line per problem.

usage: python3 .ci/check-manifests.py   (needs PyYAML: pip install pyyaml)
"""
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "Examples"
IMAGE = re.compile(r"^numaflow-swift/([a-z0-9-]+):latest$")

# The server an example starts -> its kind.
SERVERS = {
    "MapServer": "map", "MapStreamServer": "map", "BatchMapServer": "map",
    "SourceTransformServer": "transformer", "SourceServer": "source", "SinkServer": "sink",
    "ReduceServer": "reduce", "ReduceStreamServer": "reducestream", "SessionReduceServer": "session",
    "AccumulatorServer": "accumulator", "SideInputServer": "sideinput", "ServingStoreServer": "serving",
}


def kind_of(example):
    source = (EXAMPLES / example / "Sources" / "main.swift").read_text()
    kinds = {kind for server, kind in SERVERS.items() if re.search(rf"\b{server}\s*[({{]", source)}
    return kinds.pop() if len(kinds) == 1 else None


def places(manifest):
    """Yields (kind the place takes, image, where) for every UDF container in a manifest."""
    spec = manifest.get("spec") or {}
    if manifest.get("kind") == "ServingPipeline":
        store = ((spec.get("serving") or {}).get("store") or {}).get("container") or {}
        yield "serving", store.get("image"), "spec.serving.store.container"
        spec = spec.get("pipeline") or {}
    for side_input in spec.get("sideInputs") or []:
        yield "sideinput", (side_input.get("container") or {}).get("image"), f"sideInputs[{side_input.get('name')}]"
    for vertex in spec.get("vertices") or []:
        name = vertex.get("name")
        if "udf" in vertex:
            window = ((vertex.get("udf") or {}).get("groupBy") or {}).get("window") or {}
            if "session" in window:
                kind = "session"
            elif "accumulator" in window:
                kind = "accumulator"
            elif window:
                aligned = window.get("fixed") or window.get("sliding") or {}
                kind = "reducestream" if aligned.get("streaming") else "reduce"
            else:
                kind = "map"
            yield kind, ((vertex["udf"] or {}).get("container") or {}).get("image"), f"vertex {name}: udf.container"
        source = vertex.get("source") or {}
        if "udsource" in source:
            yield "source", (source["udsource"].get("container") or {}).get("image"), f"vertex {name}: source.udsource"
        if "transformer" in source:
            image = (source["transformer"].get("container") or {}).get("image")
            yield "transformer", image, f"vertex {name}: source.transformer"
        sink = vertex.get("sink") or {}
        for path, part in [("sink", sink), ("sink.fallback", sink.get("fallback") or {}),
                           ("sink.onSuccess", sink.get("onSuccess") or {})]:
            if "udsink" in part:
                yield "sink", (part["udsink"].get("container") or {}).get("image"), f"vertex {name}: {path}.udsink"


def check(example, path, problems):
    try:
        documents = [d for d in yaml.safe_load_all(path.read_text()) if d]
    except yaml.YAMLError as error:
        problems.append(f"{path.relative_to(ROOT)}: does not parse: {error}")
        return
    kind = kind_of(example)
    if kind is None:
        problems.append(f"Examples/{example}: main.swift starts no server this check knows")
        return
    own_place = False
    # Other Kubernetes objects (a ConfigMap the pipeline mounts) may come along.
    pipelines = [d for d in documents if str(d.get("apiVersion", "")).startswith("numaflow.numaproj.io/")]
    if not pipelines:
        problems.append(f"{path.relative_to(ROOT)}: holds no numaflow.numaproj.io object")
    for manifest in pipelines:
        if manifest.get("apiVersion") != "numaflow.numaproj.io/v1alpha1":
            problems.append(f"{path.relative_to(ROOT)}: apiVersion is not numaflow.numaproj.io/v1alpha1")
        if manifest.get("kind") not in ("Pipeline", "MonoVertex", "ServingPipeline"):
            problems.append(f"{path.relative_to(ROOT)}: kind {manifest.get('kind')!r} is not a Numaflow pipeline")
        for place_kind, image, where in places(manifest):
            match = IMAGE.match(image or "")
            if not match:
                continue  # another SDK's image, or a built-in
            used = match.group(1)
            if not (EXAMPLES / used).is_dir():
                problems.append(f"{path.relative_to(ROOT)}: {where} names {image}, which is no example")
            elif kind_of(used) != place_kind:
                problems.append(
                    f"{path.relative_to(ROOT)}: {where} runs {used}, a {kind_of(used)} UDF, where a {place_kind} goes")
            if used == example and place_kind == kind:
                own_place = True
    if not own_place:
        problems.append(
            f"{path.relative_to(ROOT)}: no {kind} container runs numaflow-swift/{example}:latest")


def main():
    problems = []
    checked = 0
    for example in sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()):
        manifests = sorted((EXAMPLES / example / "manifests").glob("*.yaml"))
        if not manifests:
            problems.append(f"Examples/{example}: no manifests/*.yaml")
        for path in manifests:
            check(example, path, problems)
            checked += 1
    for problem in problems:
        print(problem)
    print(f"{checked} manifests checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
