# NetAssist — make run builds and starts the app; make test runs every test.
GO       ?= go
BIN      := build/netassist
VERSION  ?= $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 30s
# Fyne's animations (the send box's blinking cursor above all) repaint the
# whole window many times a second, which costs ~12% of a core when idle
# under software rendering; the tool has nothing to animate.
export GOFLAGS += -tags=no_animations
SOAK     ?= 10m

.PHONY: all deps deps-test build run test unit e2e vet fmt-check fuzz bench soak \
	package-linux test-package-linux package-deb test-package-deb package-windows package-darwin \
	check-version test-check-version startup-time screenshots clean

all: build

deps:
	scripts/deps.sh build

deps-test:
	scripts/deps.sh test

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

run: build
	./$(BIN)

# Everything CI runs: formatting, vet, unit and UI tests with -race, then the
# end-to-end tests of the real binary under Xvfb.
test: deps-test fmt-check vet unit e2e

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

e2e: build
	NETASSIST_E2E=1 NETASSIST_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -v -timeout 20m ./e2e/

fuzz:
	scripts/fuzz.sh $(FUZZTIME)

bench:
	scripts/deps.sh bench
	scripts/bench.sh

soak: build
	$(GO) run ./scripts/soak -bin $(BIN) -duration $(SOAK)

# Packages go to dist/. The packager works on a copy of the sources, so
# FyneApp.toml and the tree are left as they are.
package-linux: deps
	VERSION=$(VERSION) scripts/package-linux.sh

test-package-linux: package-linux deps-test
	scripts/test-package-linux.sh

# The Debian/Ubuntu package, from package-linux's binary; lintian must find no
# errors. The test installs it with apt in a fresh debootstrap'd Debian (root).
package-deb: package-linux
	scripts/deps.sh deb
	VERSION=$(VERSION) scripts/package-deb.sh

test-package-deb: package-deb
	scripts/test-package-deb.sh dist/netassist_$(VERSION)_$$(dpkg --print-architecture).deb

# A release tag must name the version everywhere: make check-version TAG=v1.2.3
check-version: build
	scripts/check-version.sh $(TAG) $(BIN)

test-check-version: build
	scripts/test-check-version.sh $(BIN)

# Cross-built with mingw-w64; the first build compiles all of cgo (~7 min).
# The test then runs the .exe under Wine + Xvfb with Linux peers.
package-windows:
	VERSION=$(VERSION) scripts/package-windows.sh
	scripts/deps.sh wine
	scripts/test-package-windows.sh

# Needs a Mac (the macOS SDK); .github/workflows/macos.yml runs it.
package-darwin:
	mkdir -p build
	GOFLAGS=-ldflags=-X=main.version=$(VERSION) $(GO) tool fyne package -os darwin -release -tags no_animations -name NetAssist -appVersion $(VERSION) -executable $(CURDIR)/build/netassist

startup-time: build deps-test
	scripts/startup-time.sh $(BIN)

screenshots: build deps-test
	scripts/screenshots.sh $(BIN) assets/screenshots

clean:
	rm -rf build dist
