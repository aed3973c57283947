package transport

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
)

func TestClientServerRoundTrip(t *testing.T) {
	before := runtimeGoroutines()
	s := startServer(t, Options{})
	h := newRecorder(true)
	s.Register(recogID, h)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, s.Addr().String(), Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	seq := freeswitchSequence(recogID.String())
	for _, m := range seq {
		if err := c.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range seq {
		select {
		case r, ok := <-c.Messages():
			if !ok {
				t.Fatalf("closed early: %v", c.Err())
			}
			if r.RequestID != want.RequestID || r.StatusCode != 200 {
				t.Fatalf("%+v", r)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no response")
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, ok := <-c.Messages(); ok {
		t.Fatal("Messages not closed")
	}
	if c.Err() != nil {
		t.Fatalf("Err after Close: %v", c.Err())
	}
	if err := c.Send(seq[0]); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close: %v", err)
	}
	waitFor(t, "server noticed", func() bool { _, n := h.snapshot(); return n == 1 })
	s.Close()
	goroutinesSettle(t, before)
}

func TestClientSeesServerClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		ev := mrcp.NewEvent(mrcp.EventStartOfInput, 1, mrcp.StateInProgress, recogID)
		nc.Write(append([]byte("junk\r\n"), ev.Marshal()...))
		nc.Close()
	}()
	c, err := Dial(context.Background(), ln.Addr().String(), Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m, ok := <-c.Messages()
	if !ok || m.Name != mrcp.EventStartOfInput {
		t.Fatalf("%v %+v", ok, m)
	}
	select {
	case _, ok := <-c.Messages():
		if ok {
			t.Fatal("unexpected message")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Messages not closed")
	}
	if !errors.Is(c.Err(), io.EOF) {
		t.Fatalf("Err = %v", c.Err())
	}
}

func TestClientCloseWhileQueueFull(t *testing.T) {
	s := startServer(t, Options{})
	h := newRecorder(true)
	s.Register(recogID, h)
	c, err := Dial(context.Background(), s.Addr().String(), Options{ClientQueue: 1, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	for i := uint32(1); i <= 20; i++ {
		c.Send(request(mrcp.MethodStop, i, recogID.String()))
	}
	waitFor(t, "server answered", func() bool { m, _ := h.snapshot(); return len(m) == 20 })
	done := make(chan struct{})
	go func() { c.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on an unread queue")
	}
}

func TestDialFails(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	if _, err := Dial(context.Background(), addr, Options{}); err == nil {
		t.Fatal("dial to a closed port succeeded")
	}
}

func selfSigned(t *testing.T) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mrcpd test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestTLS(t *testing.T) {
	cert := selfSigned(t)
	s := startServer(t, Options{TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}})
	s.Register(recogID, newRecorder(true))
	pool := x509.NewCertPool()
	leaf, _ := x509.ParseCertificate(cert.Certificate[0])
	pool.AddCert(leaf)
	c, err := Dial(context.Background(), s.Addr().String(), Options{TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Send(request(mrcp.MethodSetParams, 1, recogID.String()))
	select {
	case r := <-c.Messages():
		if r == nil || r.StatusCode != 200 {
			t.Fatalf("%+v %v", r, c.Err())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no response over TLS")
	}
}
