package api

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/temperhq/temper/store"
)

// TrajectoryWriter is what the Recorder needs of the store.
type TrajectoryWriter interface {
	AppendTrajectories(ctx context.Context, ts []store.Trajectory) error
}

// Recorder writes one trajectory per call in batches, off the request
// path: a call hands its record over and returns; a background loop
// writes up to recorderBatch records per transaction, at least every
// recorderTick. A full queue makes callers wait rather than drop records.
type Recorder struct {
	st    TrajectoryWriter
	log   *slog.Logger
	ch    chan store.Trajectory
	flush chan chan struct{}
	done  chan struct{}
	// mu guards closed: a call that ends after Close is logged, not
	// recorded (and never sent on the closed channel).
	mu     sync.RWMutex
	closed bool
}

const (
	recorderQueue = 4096
	recorderBatch = 256
	recorderTick  = 20 * time.Millisecond
)

// NewRecorder starts a recorder; Close stops it after writing what is
// queued.
func NewRecorder(st TrajectoryWriter, log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Recorder{st: st, log: log, ch: make(chan store.Trajectory, recorderQueue),
		flush: make(chan chan struct{}), done: make(chan struct{})}
	go r.loop()
	return r
}

// Record queues t.
func (r *Recorder) Record(t store.Trajectory) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		r.log.Warn("trajectory after the recorder closed", "app", t.App, "action", t.Action, "outcome", t.Outcome)
		return
	}
	r.ch <- t
}

// Flush returns once every record queued before the call is written (or
// ctx ends).
func (r *Recorder) Flush(ctx context.Context) {
	ack := make(chan struct{})
	select {
	case r.flush <- ack:
	case <-ctx.Done():
		return
	}
	select {
	case <-ack:
	case <-ctx.Done():
	}
}

// Close writes what is queued and stops the loop.
func (r *Recorder) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	close(r.ch)
	r.mu.Unlock()
	<-r.done
}

func (r *Recorder) loop() {
	defer close(r.done)
	tick := time.NewTicker(recorderTick)
	defer tick.Stop()
	var batch []store.Trajectory
	write := func() {
		if len(batch) == 0 {
			return
		}
		// Writes outlive the requests that queued them.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.st.AppendTrajectories(ctx, batch); err != nil {
			r.log.Error("trajectories lost", "count", len(batch), "error", err)
		}
		batch = batch[:0]
	}
	drain := func() {
		for {
			select {
			case t, ok := <-r.ch:
				if !ok {
					return
				}
				batch = append(batch, t)
				if len(batch) >= recorderBatch {
					write()
				}
			default:
				return
			}
		}
	}
	for {
		select {
		case t, ok := <-r.ch:
			if !ok {
				write()
				return
			}
			batch = append(batch, t)
			if len(batch) >= recorderBatch {
				write()
			}
		case <-tick.C:
			write()
		case ack := <-r.flush:
			drain()
			write()
			close(ack)
		}
	}
}
