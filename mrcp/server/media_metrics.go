package server

import (
	"github.com/prometheus/client_golang/prometheus"
)

// mediaCollector reads the per-stream RTP counters at scrape time. Streams
// count on their own (no shared cache line on the packet path); the totals
// of streams already closed are kept so counters never go backwards.
type mediaCollector struct {
	srv    *Server
	closed mediaTotals // guarded by srv.mu

	packets, bytes, lost, late, dup, bad, digits, sent *prometheus.Desc
	streams                                            *prometheus.Desc
}

type mediaTotals struct {
	packets, bytes, lost, late, dup, bad, digits, sent uint64
}

func (t *mediaTotals) add(o mediaTotals) {
	t.packets += o.packets
	t.bytes += o.bytes
	t.lost += o.lost
	t.late += o.late
	t.dup += o.dup
	t.bad += o.bad
	t.digits += o.digits
	t.sent += o.sent
}

func newMediaCollector(s *Server) *mediaCollector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &mediaCollector{
		srv:     s,
		packets: d("mrcpd_rtp_packets_received_total", "RTP packets received."),
		bytes:   d("mrcpd_rtp_payload_bytes_received_total", "RTP payload octets received."),
		lost:    d("mrcpd_rtp_packets_lost_total", "RTP packets never received (sequence gaps)."),
		late:    d("mrcpd_rtp_packets_late_total", "RTP packets that arrived too late to be played out."),
		dup:     d("mrcpd_rtp_packets_duplicate_total", "Duplicate RTP packets dropped."),
		bad:     d("mrcpd_rtp_packets_bad_total", "Datagrams that were not usable RTP for the stream."),
		digits:  d("mrcpd_rtp_dtmf_digits_received_total", "RFC 4733 digits received."),
		sent:    d("mrcpd_rtp_packets_sent_total", "RTP packets sent."),
		streams: d("mrcpd_rtp_streams_active", "Open RTP streams."),
	}
}

func (c *mediaCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.packets, c.bytes, c.lost, c.late, c.dup, c.bad, c.digits, c.sent, c.streams} {
		ch <- d
	}
}

func (c *mediaCollector) Collect(ch chan<- prometheus.Metric) {
	c.srv.mu.Lock()
	total := c.closed
	open := 0
	for ms := range c.srv.streams {
		total.add(totalsOf(ms))
		open++
	}
	c.srv.mu.Unlock()
	counter := func(d *prometheus.Desc, v uint64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v))
	}
	counter(c.packets, total.packets)
	counter(c.bytes, total.bytes)
	counter(c.lost, total.lost)
	counter(c.late, total.late)
	counter(c.dup, total.dup)
	counter(c.bad, total.bad)
	counter(c.digits, total.digits)
	counter(c.sent, total.sent)
	ch <- prometheus.MustNewConstMetric(c.streams, prometheus.GaugeValue, float64(open))
}

func totalsOf(ms *mediaStream) mediaTotals {
	st := ms.stream.Stats()
	return mediaTotals{
		packets: st.PacketsReceived, bytes: st.BytesReceived, lost: st.Lost, late: st.Late,
		dup: st.Duplicate, bad: st.Bad, digits: st.DigitsReceived, sent: st.PacketsSent,
	}
}
