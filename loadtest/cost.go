package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The budget of the protocol core (server process only, ASR excluded).
const (
	BudgetCPUMsPerSessionSecond = 0.2
	BudgetRSSKBPerSession       = 64
)

// Metric names scraped from the server.
const (
	metricCPU      = "process_cpu_seconds_total"
	metricRSS      = "process_resident_memory_bytes"
	metricSessions = "mrcpd_sessions_active"
	// metricRTP is optional: it tells whether the load really reached
	// the server at 50 packets per second per session.
	metricRTP = "mrcpd_rtp_packets_received_total"
)

const (
	// scrapeEvery samples the active sessions during the steady window;
	// rare enough that serving /metrics costs the server little.
	scrapeEvery = 5 * time.Second
	// afterSettle lets the server finish tearing the calls down before
	// the last sample.
	afterSettle   = time.Second
	scrapeTimeout = 5 * time.Second
	// maxMetricsSize bounds a /metrics response read.
	maxMetricsSize = 32 << 20
)

// fullPace is one 20 ms packet after another, per second.
const fullPace = 50

// ExcludesASR is what the server figures leave out, printed with them.
const ExcludesASR = "the recogniser runs in its own process (mrcpd engine): these server figures exclude ASR decoding"

// ServerCost is what the server process spent on the load, from its
// /metrics. The steady window runs from the end of the ramp plus one
// cadence (at most a quarter of Duration) to the end of Duration.
type ServerCost struct {
	MetricsURL string `json:"metrics_url"`
	// IdleCPUMsPerSecond is the server's CPU doing nothing, before the
	// load.
	IdleCPUMsPerSecond float64 `json:"idle_cpu_ms_per_s"`
	SessionsBefore     float64 `json:"sessions_before"`
	WindowSeconds      float64 `json:"window_s"`
	// SessionSeconds integrates mrcpd_sessions_active over the window.
	SessionSeconds float64 `json:"session_seconds"`
	SessionsSteady float64 `json:"sessions_steady"` // mean over the window
	SessionsAfter  float64 `json:"sessions_after"`
	// CPUMsPerSessionSecond is the server's CPU over the window divided
	// by the session-seconds; Net subtracts the idle rate first.
	CPUMsPerSessionSecond    float64 `json:"cpu_ms_per_session_second"`
	CPUMsPerSessionSecondNet float64 `json:"cpu_ms_per_session_second_net"`
	// RSS in KiB before the load, at both ends of the window and after.
	RSSBeforeKB      float64 `json:"rss_before_kb"`
	RSSSteadyStartKB float64 `json:"rss_steady_start_kb"`
	RSSSteadyEndKB   float64 `json:"rss_steady_end_kb"`
	RSSAfterKB       float64 `json:"rss_after_kb"`
	// RSSPerSessionKB is (RSS - RSS before) / sessions at the start of
	// the window; RSSPerSessionEndKB the same at its end. Equal figures
	// mean memory stays flat across recognitions.
	RSSPerSessionKB    float64 `json:"rss_per_session_kb"`
	RSSPerSessionEndKB float64 `json:"rss_per_session_end_kb"`
	// RecognitionsInWindow completed during the window; RSS growth over
	// the window is spread over them.
	RecognitionsInWindow      int     `json:"recognitions_in_window"`
	RSSGrowthPerRecognitionKB float64 `json:"rss_growth_per_recognition_kb"`
	// RTPPacketsPerSessionSecond is what the server received over the
	// window per session-second: 50 when every 20 ms packet arrived. Far
	// less means the load tool could not keep its pace (a starved
	// machine), and the per-session figures are too low.
	RTPPacketsPerSessionSecond float64 `json:"rtp_packets_per_session_second,omitempty"`
	// Problems say which figures could not be measured and why.
	Problems []string `json:"problems,omitempty"`
}

// ToolCost is the load tool's own CPU over the steady window: when it
// nears a whole machine, the tool is what limits the latencies measured.
type ToolCost struct {
	CPUMsPerSessionSecond float64 `json:"cpu_ms_per_session_second"`
	CorePercent           float64 `json:"core_percent"`
}

type serverSample struct {
	at       time.Time
	cpu      float64 // seconds
	rss      float64 // bytes
	sessions float64
	rtp      float64 // packets received; -1 when the server has no such series
}

// costProbe takes the server samples of one run.
type costProbe struct {
	url    string
	client *http.Client

	idle1, before serverSample
	haveBefore    bool
	window        []serverSample // steady window, first and last included
	windowClosed  bool
	after         serverSample
	haveAfter     bool
	completed     [2]int           // recognitions at both ends of the window
	toolCPU       [2]time.Duration // this process's CPU at both ends
	toolCPUOK     bool
	problems      []string
}

func newCostProbe(url string) *costProbe {
	return &costProbe{url: url, client: &http.Client{Timeout: scrapeTimeout}}
}

func (p *costProbe) scrape(ctx context.Context) (serverSample, error) {
	ctx, cancel := context.WithTimeout(ctx, scrapeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		return serverSample{}, err
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := p.client.Do(req)
	if err != nil {
		return serverSample{}, fmt.Errorf("loadtest: metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return serverSample{}, fmt.Errorf("loadtest: metrics %s: HTTP %d", p.url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMetricsSize+1))
	if err != nil {
		return serverSample{}, fmt.Errorf("loadtest: metrics %s: %w", p.url, err)
	}
	if len(body) > maxMetricsSize {
		return serverSample{}, fmt.Errorf("loadtest: metrics %s: response larger than %d bytes", p.url, maxMetricsSize)
	}
	at := time.Now()
	v, err := parseExposition(body, metricCPU, metricRSS, metricSessions, metricRTP)
	if err != nil {
		return serverSample{}, fmt.Errorf("loadtest: metrics %s: %w", p.url, err)
	}
	for _, name := range []string{metricCPU, metricRSS, metricSessions} {
		if _, ok := v[name]; !ok {
			return serverSample{}, fmt.Errorf("loadtest: metrics %s has no %s (is it an mrcpd serve endpoint?)", p.url, name)
		}
	}
	rtp, ok := v[metricRTP]
	if !ok {
		rtp = -1
	}
	return serverSample{at: at, cpu: v[metricCPU], rss: v[metricRSS], sessions: v[metricSessions], rtp: rtp}, nil
}

func (p *costProbe) problem(format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf(format, args...))
}

// measureIdle samples the server twice, window apart, before the load.
func (p *costProbe) measureIdle(ctx context.Context, window time.Duration) error {
	var err error
	if p.idle1, err = p.scrape(ctx); err != nil {
		return err
	}
	t := time.NewTimer(window)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	if p.before, err = p.scrape(ctx); err != nil {
		return err
	}
	p.haveBefore = true
	if p.before.sessions != 0 {
		p.problem("%g sessions were already active before the load: they are subtracted as if they stayed", p.before.sessions)
	}
	return nil
}

// watchSteadyState samples the window from steadyAt until the load ends;
// the run stops only once it has returned. The probe is used by this
// goroutine alone until then.
func (p *costProbe) watchSteadyState(r *runner, steadyAt time.Time) {
	wait := time.NewTimer(time.Until(steadyAt))
	defer wait.Stop()
	select {
	case <-wait.C:
	case <-r.ending:
		p.problem("the load stopped before its steady state (end of ramp + one cadence): no CPU or RSS per session")
		return
	}
	first, err := p.scrape(context.Background())
	if err != nil {
		p.problem("window start: %v", err)
		return
	}
	p.window = append(p.window, first)
	p.completed[0] = r.rec.progress().completed
	start, ok := processCPU()
	p.toolCPU[0], p.toolCPUOK = start, ok
	t := time.NewTicker(scrapeEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if s, err := p.scrape(context.Background()); err == nil {
				p.window = append(p.window, s)
			} else {
				p.problem("during the window: %v", err)
			}
		case <-r.ending:
			s, err := p.scrape(context.Background())
			if err != nil {
				p.problem("window end: %v", err)
				return
			}
			p.window = append(p.window, s)
			p.windowClosed = true
			p.completed[1] = r.rec.progress().completed
			end, ok := processCPU()
			p.toolCPU[1], p.toolCPUOK = end, p.toolCPUOK && ok
			return
		}
	}
}

// measureAfter samples the server once the calls have hung up.
func (p *costProbe) measureAfter(r *runner) {
	time.Sleep(afterSettle)
	s, err := p.scrape(context.Background())
	if err != nil {
		p.problem("after the load: %v", err)
		return
	}
	p.after, p.haveAfter = s, true
	if s.sessions != p.before.sessions {
		p.problem("%g sessions still active %v after the last BYE", s.sessions-p.before.sessions, afterSettle)
	}
}

// cost derives the figures from the samples taken.
func (p *costProbe) cost() (*ServerCost, *ToolCost) {
	c := &ServerCost{MetricsURL: p.url}
	const kb = 1024
	if p.haveBefore {
		c.IdleCPUMsPerSecond = (p.before.cpu - p.idle1.cpu) * 1000 / p.before.at.Sub(p.idle1.at).Seconds()
		c.SessionsBefore = p.before.sessions
		c.RSSBeforeKB = p.before.rss / kb
	}
	if p.haveAfter {
		c.SessionsAfter = p.after.sessions
		c.RSSAfterKB = p.after.rss / kb
	}
	var tool *ToolCost
	if p.windowClosed && len(p.window) >= 2 {
		first, last := p.window[0], p.window[len(p.window)-1]
		c.WindowSeconds = last.at.Sub(first.at).Seconds()
		for i := 1; i < len(p.window); i++ {
			a, b := p.window[i-1], p.window[i]
			// Trapezoids: sessions change linearly between samples at best.
			c.SessionSeconds += (a.sessions + b.sessions - 2*p.before.sessions) / 2 * b.at.Sub(a.at).Seconds()
		}
		c.RSSSteadyStartKB, c.RSSSteadyEndKB = first.rss/kb, last.rss/kb
		c.RecognitionsInWindow = p.completed[1] - p.completed[0]
		if c.WindowSeconds > 0 {
			c.SessionsSteady = c.SessionSeconds / c.WindowSeconds
		}
		cpu := last.cpu - first.cpu
		if c.SessionSeconds > 0 {
			if first.rtp >= 0 && last.rtp >= 0 {
				c.RTPPacketsPerSessionSecond = (last.rtp - first.rtp) / c.SessionSeconds
				if c.RTPPacketsPerSessionSecond < 0.9*fullPace {
					p.problem("the server received %.1f RTP packets per session-second, not %d: the load did not keep its pace "+
						"(starved machine?), so the per-session CPU is understated", c.RTPPacketsPerSessionSecond, fullPace)
				}
			}
			c.CPUMsPerSessionSecond = cpu * 1000 / c.SessionSeconds
			c.CPUMsPerSessionSecondNet = (cpu*1000 - c.IdleCPUMsPerSecond*c.WindowSeconds) / c.SessionSeconds
			if p.toolCPUOK {
				tcpu := (p.toolCPU[1] - p.toolCPU[0]).Seconds()
				tool = &ToolCost{
					CPUMsPerSessionSecond: tcpu * 1000 / c.SessionSeconds,
					CorePercent:           tcpu / c.WindowSeconds * 100,
				}
			}
		} else {
			p.problem("no session was active during the steady window")
		}
		if n := first.sessions - p.before.sessions; n > 0 {
			c.RSSPerSessionKB = (first.rss - p.before.rss) / kb / n
		}
		if n := last.sessions - p.before.sessions; n > 0 {
			c.RSSPerSessionEndKB = (last.rss - p.before.rss) / kb / n
		}
		if c.RecognitionsInWindow > 0 {
			c.RSSGrowthPerRecognitionKB = (last.rss - first.rss) / kb / float64(c.RecognitionsInWindow)
		}
	} else if len(p.problems) == 0 {
		p.problem("the steady window was not sampled at both ends")
	}
	c.Problems = p.problems
	return c, tool
}
