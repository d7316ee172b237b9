# StaffDesk. `make run` and `make test` do all the set-up on a fresh Debian or Ubuntu
# machine: they install what Fyne needs to build (once), then build and run or test.

SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)
export LANG := en_US.UTF-8
export CGO_ENABLED := 1

TAGS := migrated_fynedo
BIN := staffdesk
ARGS ?=
# The packages GLFW (through cgo) and the headless checks need.
DEB_PACKAGES := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev xvfb xdotool
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run build deps test vet fmt-check unit race smoke bench clean

run: build
	./$(BIN) $(ARGS)

build: deps
	go build -tags $(TAGS) -o $(BIN) .

# Installs only what is missing, so it is quick after the first time.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@command -v go >/dev/null || { echo "Installing Go from the distribution"; $(SUDO) apt-get install -y -qq golang-go >/dev/null; }
	@go version

test: deps vet fmt-check unit smoke

vet:
	go vet -tags $(TAGS) ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

unit:
	go test -tags $(TAGS) -count=1 -timeout 20m ./...

# Every test again under the race detector (slower: CI runs it after make test).
race: deps
	go test -tags $(TAGS) -race -count=1 -timeout 30m ./...

# The built binary under Xvfb opens its window: a check that the real app starts.
smoke: build
	./.ci/smoke ./$(BIN)

bench:
	go test -tags $(TAGS) -run '^$$' -bench . -benchmem ./...

# Every fuzz target (in app/, smtp/ and data/: any func Fuzz in a _test.go) for FUZZTIME
# each; fuzz-short gives each 3 s, for CI. Seed corpora are in each package's testdata/fuzz/.
FUZZTIME ?= 30s
.PHONY: fuzz fuzz-short

fuzz:
	FUZZTIME=$(FUZZTIME) TAGS=$(TAGS) ./.ci/fuzz

fuzz-short:
	FUZZTIME=3s TAGS=$(TAGS) ./.ci/fuzz

clean:
	rm -f $(BIN)
