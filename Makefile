# Thin wrappers around SwiftPM. `make help` lists the targets.
SWIFT ?= swift
PROTOC ?= protoc
EXAMPLE ?= map-even-odd
SCAFFOLD_KINDS ?= map
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
IMAGE ?= numaflow-swift/$(EXAMPLE):latest
# docker when its daemon answers, else podman (installed from Debian's packages if need be).
ENGINE ?= $(shell Docker/engine.sh)
ROOTFS = .build-image/rootfs/$(EXAMPLE)
PROTO_FILES := $(shell cd Protos && find . -name '*.proto' | sed 's|^\./||' | sort)
GENERATED := Sources/NumaflowProtos
# An example with a Package.swift of its own (map-observed, whose exporters stay out of the SDK's
# build) is built from its folder, not as a product of the SDK's package.
PACKAGED_EXAMPLES := $(patsubst Examples/%/Package.swift,%,$(wildcard Examples/*/Package.swift))
EXAMPLES := $(filter-out $(PACKAGED_EXAMPLES),$(notdir $(patsubst %/,%,$(wildcard Examples/*/))))
# What `make format` and `make lint` cover: everything but the generated code.
FORMATTED := $(filter-out $(GENERATED),$(wildcard Sources/*)) Tests Examples Benchmarks Fuzz Upstream Package.swift
# The public modules: each has a DocC catalog (Sources/<module>/Documentation.docc).
DOCUMENTED := $(patsubst Sources/%/Documentation.docc,%,$(wildcard Sources/*/Documentation.docc))
BIN = $(shell $(SWIFT) build --show-bin-path)

.PHONY: help build test demo fuzz protos compare-upstream-protos pipelines check-protos check-manifests check-scaffold docs examples examples-as-images image image-local image-check bench format lint clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: ## Debug build of everything, tests included.
	$(SWIFT) build --build-tests

test: ## Run the whole test suite (what CI runs).
	$(SWIFT) test

demo: ## Serve map-even-odd and drive it with its sample input, as numa would.
	$(SWIFT) build --product map-even-odd
	$(SWIFT) build --product numaflow-dev
	$(BIN)/numaflow-dev run map --input Examples/map-even-odd/input.jsonl -- $(BIN)/map-even-odd

fuzz: ## Fuzz every hand-written decoder with libFuzzer: make fuzz FUZZ_SECONDS=60 [FUZZ_TARGETS="worker-frames"]
	Fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

protos: ## Regenerate Sources/NumaflowProtos from Protos/ (needs Debian's protobuf-compiler).
	@rm -f $(GENERATED)/*.swift
	@$(MAKE) --no-print-directory _generate OUT=$(GENERATED)

check-protos: ## Fail if regenerating the protos would change the committed code.
	@tmp=$$(mktemp -d) && $(MAKE) --no-print-directory _generate OUT=$$tmp && \
	  diff -r $$tmp $(GENERATED) && rm -rf $$tmp && echo "generated code is up to date"

compare-upstream-protos: ## Protos/ against Numaflow's on the wire: make compare-upstream-protos NUMAFLOW=<clone> [REFS="main v1.8.3"]
	@test -n "$(NUMAFLOW)" || { echo "NUMAFLOW=<a clone of numaproj/numaflow> is required"; exit 2; }
	python3 .ci/compare-upstream-protos.py $(NUMAFLOW) $(or $(REFS),main)

pipelines: ## Run every example's manifest with numaflow-dev pipeline run and check its sinks' lines.
	$(SWIFT) build
	python3 .ci/check-pipelines.py $(BIN)

check-manifests: ## Parse every example's manifests and check them against the example's kind (needs PyYAML).
	python3 .ci/check-manifests.py

check-scaffold: ## numaflow-dev init each of SCAFFOLD_KINDS (default map) here, then swift test and its README's run line.
	$(SWIFT) build --product numaflow-dev
	.ci/check-scaffold.sh $(BIN)/numaflow-dev $(SCAFFOLD_KINDS)

_generate:
	$(SWIFT) build --product protoc-gen-swift
	$(SWIFT) build --product protoc-gen-grpc-swift-2
	cd Protos && $(PROTOC) \
	  --plugin=protoc-gen-swift=$(BIN)/protoc-gen-swift \
	  --plugin=protoc-gen-grpc-swift=$(BIN)/protoc-gen-grpc-swift-2 \
	  --swift_out=$(abspath $(OUT)) \
	  --swift_opt=Visibility=Package,FileNaming=PathToUnderscores \
	  --grpc-swift_out=$(abspath $(OUT)) \
	  --grpc-swift_opt=Visibility=Package,FileNaming=PathToUnderscores,Server=true,Client=true \
	  $(PROTO_FILES)
	@# files that declare no service come out of the gRPC plugin empty: keep only the real ones
	@for f in $(OUT)/*.grpc.swift; do grep -q ServiceDescriptor $$f || rm $$f; done

examples: ## Release build of every example (each folder of Examples/ is one product).
	@set -e; for example in $(EXAMPLES); do $(SWIFT) build -c release --product $$example; done

examples-as-images: ## Every example built as its image builds it (release, static, .build-image): each must link.
	@set -e; for example in $(EXAMPLES); do \
	  Docker/build-rootfs.sh $$example .build-image/linked >/dev/null && echo "$$example: linked"; done; \
	rm -rf .build-image/linked

image: ## Image of one example, built in Swift's image from a registry: make image EXAMPLE=map-even-odd
	$(ENGINE) build -f Docker/Dockerfile --build-arg EXAMPLE=$(EXAMPLE) -t $(IMAGE) .

image-local: ## The same image from a release build on this machine, pulling nothing.
	Docker/build-rootfs.sh $(EXAMPLE) $(ROOTFS)
	$(ENGINE) build -f Docker/Dockerfile.local -t $(IMAGE) $(ROOTFS)

image-check: image-local ## Run the image's entrypoint in its exported filesystem, check it, print its size.
	$(SWIFT) build --product numaflow-dev
	Docker/check-image.sh "$(ENGINE)" $(IMAGE) $(EXAMPLE) $(BIN)/numaflow-dev

docs: ## Compile the README's examples, check each is in its module's article, build the DocC docs (warnings fail).
	python3 .ci/check-doc-examples.py --extract .readme-examples
	NUMAFLOW_SWIFT_README_EXAMPLES=1 $(SWIFT) build
	$(SWIFT) package --allow-writing-to-directory .build/docs generate-documentation \
	  --enable-experimental-combined-documentation --warnings-as-errors \
	  --transform-for-static-hosting --output-path .build/docs $(addprefix --target ,$(DOCUMENTED))
	@echo "read it: python3 -m http.server -d .build/docs 8000, then open http://localhost:8000/documentation/"

bench: ## Map throughput and CPU per message, against the bare gRPC and pynumaflow baselines.
	Benchmarks/run.sh

format: ## Format the sources with swift-format (ships with the toolchain).
	$(SWIFT) format --in-place --recursive $(FORMATTED)

lint: ## Check formatting without changing anything.
	$(SWIFT) format lint --strict --recursive $(FORMATTED)

clean:
	rm -rf .build
