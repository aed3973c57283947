package server

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the server's Prometheus series. Per-packet counters live in the
// media streams and are read at scrape time by a collector, so the hot path
// never touches a shared metric.
type metrics struct {
	sessionsActive prometheus.Gauge
	sessionsTotal  *prometheus.CounterVec // by outcome of the INVITE
	sessionsEnded  *prometheus.CounterVec // by reason
	channelsActive *prometheus.GaugeVec   // by resource
	requests       *prometheus.CounterVec // by resource, method, status
	responseTime   *prometheus.HistogramVec
	completionTime *prometheus.HistogramVec
	events         *prometheus.CounterVec // by resource, event, completion cause
	backend        *BackendMetrics
}

// BackendMetrics times calls to ASR/TTS/NLU backends. It is shared by the
// server and the backends it is given, so one series covers both.
type BackendMetrics struct {
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

// NewBackendMetrics registers the backend series on reg.
func NewBackendMetrics(reg prometheus.Registerer) *BackendMetrics {
	b := &BackendMetrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mrcpd_backend_call_seconds", Help: "Duration of calls to ASR/TTS/NLU backends, by backend and operation.",
			Buckets: latencyBuckets,
		}, []string{"backend", "op"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrcpd_backend_errors_total", Help: "Failed backend calls, by backend and operation.",
		}, []string{"backend", "op"}),
	}
	reg.MustRegister(b.duration, b.errors)
	return b
}

// Observe records one call.
func (b *BackendMetrics) Observe(backend, op string, d time.Duration, err error) {
	b.duration.WithLabelValues(backend, op).Observe(d.Seconds())
	if err != nil {
		b.errors.WithLabelValues(backend, op).Inc()
	}
}

// latencyBuckets resolve the range that matters in telephony: a few hundred
// microseconds for a control answer up to tens of seconds for a recognition.
var latencyBuckets = []float64{.0002, .0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2, 5, 10, 30, 60}

func newMetrics(reg prometheus.Registerer, backend *BackendMetrics) *metrics {
	if backend == nil {
		backend = NewBackendMetrics(reg)
	}
	m := &metrics{
		backend: backend,
		sessionsActive: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mrcpd_sessions_active", Help: "SIP dialogs with an MRCPv2 session in progress.",
		}),
		sessionsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrcpd_sessions_total", Help: "INVITEs handled, by result (accepted or the SIP status of the rejection).",
		}, []string{"result"}),
		sessionsEnded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrcpd_sessions_ended_total", Help: "Sessions ended, by reason.",
		}, []string{"reason"}),
		channelsActive: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mrcpd_channels_active", Help: "MRCPv2 control channels allocated, by resource.",
		}, []string{"resource"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrcpd_mrcp_requests_total", Help: "MRCPv2 requests answered, by resource, method and status code.",
		}, []string{"resource", "method", "status"}),
		responseTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mrcpd_mrcp_response_seconds", Help: "Time from a request's arrival to its response leaving.",
			Buckets: latencyBuckets,
		}, []string{"resource", "method"}),
		completionTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mrcpd_mrcp_completion_seconds", Help: "Time from an IN-PROGRESS request's arrival to its COMPLETE event, by completion cause.",
			Buckets: latencyBuckets,
		}, []string{"resource", "method", "cause"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mrcpd_mrcp_events_total", Help: "MRCPv2 events sent, by resource, event and completion cause.",
		}, []string{"resource", "event", "cause"}),
	}
	reg.MustRegister(m.sessionsActive, m.sessionsTotal, m.sessionsEnded, m.channelsActive, m.requests,
		m.responseTime, m.completionTime, m.events)
	return m
}

func (m *metrics) observeResponse(resource, method string, status int, since time.Time) {
	m.requests.WithLabelValues(resource, method, strconv.Itoa(status)).Inc()
	m.responseTime.WithLabelValues(resource, method).Observe(time.Since(since).Seconds())
}
