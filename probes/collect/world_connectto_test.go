package collect

import (
	"context"
	"io"
	"net"
	"testing"
)

func TestParseConnectTo(t *testing.T) {
	good := map[string][2]string{
		"104.18.32.47:443=127.0.0.1:8443":        {"104.18.32.47:443", "127.0.0.1:8443"},
		"[2606:4700::1]:443=[::1]:9000":          {"[2606:4700::1]:443", "[::1]:9000"},
		" 1.1.1.1:53 = 127.0.0.1:5353 ":          {"1.1.1.1:53", "127.0.0.1:5353"},
		"[2606:4700:0::0001]:443=127.0.0.1:1234": {"[2606:4700::1]:443", "127.0.0.1:1234"},
	}
	for in, want := range good {
		f, to, err := ParseConnectTo(in)
		if err != nil || f != want[0] || to != want[1] {
			t.Errorf("ParseConnectTo(%q) = %q, %q, %v; want %q", in, f, to, err, want)
		}
	}
	for _, bad := range []string{"", "1.1.1.1:53", "chatgpt.com:443=127.0.0.1:1", "1.1.1.1=127.0.0.1:1", "1.1.1.1:53=x"} {
		if _, _, err := ParseConnectTo(bad); err == nil {
			t.Errorf("ParseConnectTo(%q) accepted", bad)
		}
	}
}

func TestConnectToRewritesAndReportsLogicalAddr(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_, _ = c.Write([]byte("hi"))
			c.Close()
		}
	}()
	d := ConnectTo{Base: &net.Dialer{}, Rules: map[string]string{"104.18.32.47:443": ln.Addr().String()}}
	c, err := d.DialContext(context.Background(), "tcp4", "104.18.32.47:443")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.RemoteAddr().String(); got != "104.18.32.47:443" {
		t.Fatalf("RemoteAddr = %s", got)
	}
	b, _ := io.ReadAll(c)
	if string(b) != "hi" {
		t.Fatalf("read %q", b)
	}
}

func TestConnectToKeepsUDPPacketConn(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 16)
		n, from, err := pc.ReadFrom(buf)
		if err == nil {
			_, _ = pc.WriteTo(buf[:n], from)
		}
	}()
	d := ConnectTo{Base: &net.Dialer{}, Rules: map[string]string{"1.1.1.1:53": pc.LocalAddr().String()}}
	c, err := d.DialContext(context.Background(), "udp", "1.1.1.1:53")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(net.PacketConn); !ok {
		t.Fatal("UDP conn lost its PacketConn methods")
	}
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "ping" {
		t.Fatalf("echo = %q, %v", buf[:n], err)
	}
}
