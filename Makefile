# The two commands a new machine needs: `make run` and `make test`.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(HOME)/.cache/mrcpd/go/bin:$(PATH)

GO      ?= go
BIN     := bin/mrcpd
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: all deps build run test vet fuzz bench clean

all: build

deps:
	@scripts/deps.sh

build: deps
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/mrcpd

# Starts the built-in recogniser and the server on loopback; Ctrl-C stops both.
run: build
	@scripts/run.sh $(BIN)

vet:
	$(GO) vet ./...

# Packages whose tests are numeric work (DSP, decoding, model training) with
# no state shared between goroutines: they run without the race detector,
# which slows them five to ten times and has nothing to find there.
NORACE := /bargein$$|/bargein/eval$$|/bargein/webrtcvad$$|/asr/sphinx$$|/nlu$$|/nlu/entity$$|/rtp/inband$$|/rtp/codec$$

# The whole suite: vet, unit and loopback integration tests (the race
# detector on every package with concurrency), fuzz seed corpora (they run
# as ordinary tests), and the allocation tests once more without the race
# detector, whose sync.Pool drops items at random.
test: build vet
	@pkgs=$$($(GO) list ./...); \
	race=$$(echo "$$pkgs" | grep -Ev '$(NORACE)'); \
	plain=$$(echo "$$pkgs" | grep -E '$(NORACE)'); \
	$(GO) test -count=1 -timeout 10m $$plain && \
	$(GO) test -race -count=1 -timeout 12m $$race && \
	$(GO) test -count=1 -timeout 5m -run 'Allocat' $$race

# Each fuzz target for a short while; FUZZTIME=5m for a longer hunt.
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin var
