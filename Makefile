# NetAssist — make run builds and starts the app; make test runs every test.
GO       ?= go
BIN      := build/netassist
VERSION  ?= 0.1.0
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 30s
SOAK     ?= 10m

.PHONY: all deps deps-test build run test unit e2e vet fmt-check fuzz bench soak \
	package-linux package-windows package-darwin clean

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

package-linux: deps
	$(GO) tool fyne package -os linux -release -name NetAssist -app-version $(VERSION)
	mkdir -p dist && mv -f NetAssist.tar.xz dist/

package-windows:
	scripts/deps.sh windows
	CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 $(GO) tool fyne package -os windows -release -name NetAssist -app-version $(VERSION)
	mkdir -p dist && mv -f NetAssist.exe dist/

package-darwin:
	$(GO) tool fyne package -os darwin -release -name NetAssist -app-version $(VERSION)

clean:
	rm -rf build dist
