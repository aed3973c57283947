package rtp

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// EngineOptions configures an Engine. Zero values take the defaults.
type EngineOptions struct {
	// Shards is the number of media goroutines; default GOMAXPROCS.
	Shards int
	// Tick is how often every stream is serviced; default 20 ms, the
	// usual packet interval, so one tick mostly drains one packet.
	Tick time.Duration
	// ShardFill is how many streams a shard takes before the next shard
	// is used; once every shard has that many, a stream goes to the least
	// loaded. Default DefaultShardFill; negative spreads streams evenly
	// from the first.
	ShardFill int
	Logger    *slog.Logger
}

// Engine drives streams from a fixed set of shard goroutines. Each tick a
// shard reads, without blocking, the sockets its epoll set reports
// readable, delivers audio and DTMF, paces the senders, sends RTCP and calls
// Sink.OnTick for every stream. A stream belongs to one shard, so its state
// needs no lock, and no lock is shared between streams on the per-packet
// path. Timers of the layers above run off OnTick, not goroutines of their
// own.
//
// A shard without streams does not tick at all, and the shards that tick
// share one grid of instants, so that the process wakes once per tick and
// not once per shard (docs/performance-rtp.md).
type Engine struct {
	log  *slog.Logger
	tick time.Duration
	fill int // EngineOptions.ShardFill
	// epoch anchors the tick grid: every shard ticks at epoch + k*tick.
	epoch  time.Time
	shards []*shard

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// EngineStats describes the engine's load.
type EngineStats struct {
	Streams int
	// Ticks counts the ticks of all shards; a shard without streams does
	// not tick.
	Ticks uint64
	// Overruns counts ticks whose work took longer than the tick interval.
	Overruns uint64
	// MaxTick is the longest tick's work so far.
	MaxTick time.Duration
}

type shardCmd struct {
	s    *Stream
	add  bool
	done chan error
}

// shard owns a set of streams and the scratch buffers they share, which is
// safe because it services them one after another.
type shard struct {
	e       *Engine
	cmds    chan shardCmd
	quit    chan struct{}
	exited  chan struct{}
	streams []*Stream
	byID    []*Stream // streams by id; nil where an id is free
	freeIDs []int
	ready   *readiness
	count   int // streams assigned, guarded by e.mu

	payloads *payloadPool
	reader   *batchReader
	pcm      []int16
	frame    []int16
	sendBuf  []byte

	ticks    atomic.Uint64
	overruns atomic.Uint64
	maxTick  atomic.Int64
}

const (
	// decodeBufSamples holds the PCM of the largest datagram of any codec
	// (G.722 doubles a 1472-byte payload).
	decodeBufSamples = 2 * readBufSize
	// frameBufSamples holds one 120 ms frame at 48 kHz.
	frameBufSamples = 5760
	sendBufSize     = 1500
)

// DefaultShardFill fills one shard before the next: every shard that
// ticks wakes a thread per tick, which at a few dozen streams costs more
// than their media work (docs/performance-load.md), while a shard's tick
// over this many streams takes a small part of the tick interval
// (docs/performance-rtp.md).
const DefaultShardFill = 128

// NewEngine starts the shard goroutines. It fails only if the system
// refuses the shards' readiness sets (epoll instances).
func NewEngine(opts EngineOptions) (*Engine, error) {
	if opts.Shards <= 0 {
		opts.Shards = runtime.GOMAXPROCS(0)
	}
	if opts.Tick <= 0 {
		opts.Tick = 20 * time.Millisecond
	}
	if opts.ShardFill == 0 {
		opts.ShardFill = DefaultShardFill
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	e := &Engine{log: opts.Logger, tick: opts.Tick, fill: opts.ShardFill, epoch: time.Now()}
	for range opts.Shards {
		sh, err := newShard(e)
		if err != nil {
			for _, started := range e.shards {
				_ = started.ready.close()
			}
			return nil, fmt.Errorf("rtp: engine shard: %w", err)
		}
		e.shards = append(e.shards, sh)
	}
	for _, sh := range e.shards {
		e.wg.Add(1)
		go sh.run()
	}
	return e, nil
}

var (
	errEngineClosed = errors.New("rtp: engine closed")
	errStreamBusy   = errors.New("rtp: stream already added to an engine")
)

// Add hands a stream to a shard (pickShard). The stream is serviced from
// the next tick on.
func (e *Engine) Add(s *Stream) error {
	if !s.engine.CompareAndSwap(nil, e) {
		return errStreamBusy
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		s.engine.Store(nil)
		return errEngineClosed
	}
	sh := e.pickShard()
	sh.count++
	s.shard = sh
	e.mu.Unlock()
	if err := sh.do(shardCmd{s: s, add: true}); err != nil {
		e.mu.Lock()
		sh.count--
		s.shard = nil
		e.mu.Unlock()
		s.engine.Store(nil)
		return err
	}
	e.log.Debug("rtp stream added", "rtp_port", s.LocalPort())
	return nil
}

// pickShard is the first shard with fewer than fill streams, or else the
// least loaded one (e.mu held).
func (e *Engine) pickShard() *shard {
	least := e.shards[0]
	for _, sh := range e.shards {
		if sh.count < e.fill {
			return sh
		}
		if sh.count < least.count {
			least = sh
		}
	}
	return least
}

// Remove takes a stream off its shard and returns once the shard will not
// touch it again. It must not be called from a Sink or Source method.
func (e *Engine) Remove(s *Stream) {
	if s.engine.Load() != e {
		return
	}
	e.mu.Lock()
	sh := s.shard
	s.shard = nil
	if sh != nil {
		sh.count--
	}
	e.mu.Unlock()
	if sh != nil {
		_ = sh.do(shardCmd{s: s})
		e.log.Debug("rtp stream removed", "rtp_port", s.LocalPort())
	}
	s.engine.CompareAndSwap(e, nil)
}

// Close stops the shard goroutines and waits for them. Streams still added
// are detached, not closed.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	for _, sh := range e.shards {
		close(sh.quit)
	}
	e.mu.Unlock()
	e.wg.Wait()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, sh := range e.shards {
		for _, s := range sh.streams {
			s.shard = nil
			s.engine.Store(nil)
		}
		sh.streams, sh.count = nil, 0
	}
	return nil
}

// Stats sums the shards' counters.
func (e *Engine) Stats() EngineStats {
	var st EngineStats
	e.mu.Lock()
	for _, sh := range e.shards {
		st.Streams += sh.count
	}
	e.mu.Unlock()
	for _, sh := range e.shards {
		st.Ticks += sh.ticks.Load()
		st.Overruns += sh.overruns.Load()
		st.MaxTick = max(st.MaxTick, time.Duration(sh.maxTick.Load()))
	}
	return st
}

func newShard(e *Engine) (*shard, error) {
	ready, err := newReadiness()
	if err != nil {
		return nil, err
	}
	return &shard{
		e:        e,
		ready:    ready,
		cmds:     make(chan shardCmd),
		quit:     make(chan struct{}),
		exited:   make(chan struct{}),
		payloads: newPayloadPool(),
		reader:   newBatchReader(),
		pcm:      make([]int16, decodeBufSamples),
		frame:    make([]int16, frameBufSamples),
		sendBuf:  make([]byte, sendBufSize),
	}, nil
}

// untilTick is the time from now to the next instant of the engine's tick
// grid, in (0, tick]. Shards that start ticking at different times still
// tick together, so the process wakes once per tick, not once per shard.
func (e *Engine) untilTick(now time.Time) time.Duration {
	return e.tick - now.Sub(e.epoch)%e.tick
}

// do runs a command on the shard goroutine, between two ticks.
func (sh *shard) do(c shardCmd) error {
	c.done = make(chan error, 1)
	select {
	case sh.cmds <- c:
	case <-sh.exited:
		return errEngineClosed
	}
	select {
	case err := <-c.done:
		return err
	case <-sh.exited:
		return errEngineClosed
	}
}

// run ticks while the shard has streams. An empty shard waits for
// commands only: an idle ticker would wake the process every tick for
// nothing, and the Go runtime's sysmon thread with it.
func (sh *shard) run() {
	defer sh.e.wg.Done()
	defer close(sh.exited)
	defer sh.shutdown()
	ticker := time.NewTicker(time.Hour)
	ticker.Stop()
	defer ticker.Stop()
	var ticks <-chan time.Time // nil, which never fires, while stopped
	aligning := false
	for {
		select {
		case <-sh.quit:
			return
		case c := <-sh.cmds:
			c.done <- sh.apply(c)
			switch {
			case len(sh.streams) > 0 && ticks == nil:
				ticker.Reset(sh.e.untilTick(time.Now()))
				ticks, aligning = ticker.C, true
			case len(sh.streams) == 0 && ticks != nil:
				// Since Go 1.23 a stopped ticker delivers no stale tick.
				ticker.Stop()
				ticks = nil
			}
		case <-ticks:
			if aligning {
				// The first tick fell on the engine's grid; the period
				// starts from here. A ticker re-arms itself inside the
				// runtime, where resetting a timer every tick would make
				// the runtime wake a second thread each time.
				ticker.Reset(sh.e.tick)
				aligning = false
			}
			sh.tick(time.Now())
		}
	}
}

func (sh *shard) apply(c shardCmd) error {
	s := c.s
	if c.add {
		id := len(sh.byID)
		if n := len(sh.freeIDs); n > 0 {
			id = sh.freeIDs[n-1]
			sh.freeIDs = sh.freeIDs[:n-1]
		} else {
			sh.byID = append(sh.byID, nil)
		}
		if err := sh.ready.watch(s, id); err != nil {
			sh.freeIDs = append(sh.freeIDs, id)
			return err
		}
		s.id = id
		sh.byID[id] = s
		sh.streams = append(sh.streams, s)
		s.rx.reorder.pool = sh.payloads
		return nil
	}
	for i, x := range sh.streams {
		if x == s {
			sh.ready.unwatch(s)
			last := len(sh.streams) - 1
			sh.streams[i] = sh.streams[last]
			sh.streams[last] = nil
			sh.streams = sh.streams[:last]
			sh.byID[s.id] = nil
			sh.freeIDs = append(sh.freeIDs, s.id)
			// Packets still held keep their buffers; they go back to the
			// pool of whichever shard delivers them.
			s.rx.pcm, s.rx.reorder.pool = nil, nil
			return nil
		}
	}
	return nil
}

// shutdown lets go of the streams' sockets and the readiness set when the
// shard stops.
func (sh *shard) shutdown() {
	for _, s := range sh.streams {
		sh.ready.unwatch(s)
	}
	_ = sh.ready.close()
}

// tick services every stream of the shard once.
func (sh *shard) tick(now time.Time) {
	if err := sh.ready.drainReady(sh, now); err != nil {
		// Nothing more can be read this tick; timers, pacing and OnTick
		// still run.
		sh.e.log.Debug("rtp readiness wait failed", "err", err)
	}
	for _, s := range sh.streams {
		s.service(now, sh)
	}
	sh.ticks.Add(1)
	took := time.Since(now)
	if took > sh.e.tick {
		sh.overruns.Add(1)
	}
	if int64(took) > sh.maxTick.Load() {
		sh.maxTick.Store(int64(took))
	}
}

// drain reads one readable socket of a stream.
func (sh *shard) drain(s *Stream, rtcp bool, now time.Time) {
	if rtcp {
		s.drainRTCP(now, sh.reader)
		return
	}
	s.rx.now, s.rx.pcm = now, sh.pcm
	s.drainRTP(now, sh.reader)
}

// service is the rest of one tick of one stream, after its sockets were
// read.
func (s *Stream) service(now time.Time, sh *shard) {
	// Load first: a plain read on most platforms, where Swap is a locked
	// exchange on every tick of every stream.
	if s.pendingRemote.Load() != nil {
		if r := s.pendingRemote.Swap(nil); r != nil {
			s.applyRemote(*r)
		}
	}
	s.rx.now, s.rx.pcm = now, sh.pcm
	s.rx.reorder.expire(now)
	s.rx.dtmf.tick(now, &s.rx.events)
	s.emitDTMF()
	s.publishReorderCounts()
	s.pace(now, sh)
	s.serviceRTCP(now)
	if sink := s.sink.Load(); sink != nil {
		sink.OnTick(now)
	}
}

func (s *Stream) applyRemote(r remoteAddrs) {
	s.tx.remote, s.ctl.remote = r.rtp, r.rtcp
	s.rx.latched, s.ctl.latched = false, false
	s.slow.mu.Lock()
	s.slow.remote, s.slow.latched = r.rtp, false
	s.slow.mu.Unlock()
}
