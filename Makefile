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

# The installers (README: "Build the installers"). `make dist` builds into dist/ every
# one this machine can: the Linux archive and .deb (packaging/linux/build), the Windows
# exe, setup and MSI (packaging/windows/build, cross-compiled with mingw-w64). macOS is
# built on a Mac (.github/workflows/macos.yml). To sign the Windows files:
#   SIGN_PASSWORD=... make dist SIGN_CERT=cert.pem SIGN_KEY=key.pem [SIGN_TIMESTAMP=URL]
# (the password only from the environment, never on a command line). FyneApp.toml,
# which fyne package rewrites, is put back as it was.
DIST := dist
DIST_PACKAGES := dpkg-dev lintian xz-utils gcc-mingw-w64-x86-64-posix nsis msitools wixl osslsigncode
FYNE_VERSION := v2.7.1
SIGN_CERT ?=
SIGN_KEY ?=
SIGN_TIMESTAMP ?=
export SIGN_CERT SIGN_KEY SIGN_TIMESTAMP

.PHONY: dist dist-deps dist-linux dist-windows

# One after the other even under make -j: both builds are heavy, and both rewrite and
# restore FyneApp.toml.
dist: dist-deps
	TAGS=$(TAGS) ./packaging/linux/build $(DIST)
	./packaging/windows/build $(DIST)
	@cd $(DIST) && ls -l *.deb *.tar.xz *.exe *.msi

dist-deps: deps
	@missing=$$(for p in $(DIST_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@fyne version 2>/dev/null | grep -q 'cli version: $(FYNE_VERSION)$$' || { echo "Installing fyne $(FYNE_VERSION)"; go install fyne.io/fyne/v2/cmd/fyne@$(FYNE_VERSION); }

dist-linux: dist-deps
	TAGS=$(TAGS) ./packaging/linux/build $(DIST)

dist-windows: dist-deps
	./packaging/windows/build $(DIST)
