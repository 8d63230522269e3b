package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/token"
)

// TestPanicRecovered plants panicking routes: the client gets a generic
// JSON 500 and the log names the request without the panic's value.
func TestPanicRecovered(t *testing.T) {
	t.Parallel()
	var logBuf bytes.Buffer
	hh, err := New(Config{Verifier: &token.Verifier{}, Log: &logBuf, Now: func() time.Time { return time.Unix(0, 0).UTC() }})
	if err != nil {
		t.Fatal(err)
	}
	h := hh.(*handler)
	h.routes["/boom"] = route{[]string{http.MethodGet}, func(http.ResponseWriter, *http.Request) {
		panic("secret-value eyJhbGciOiJIUzI1NiJ9")
	}}
	h.routes["/nilmap"] = route{[]string{http.MethodGet}, func(http.ResponseWriter, *http.Request) {
		var m map[string]int
		//lint:ignore SA5000 a deliberate nil-map write: the runtime panic is what this route tests
		m["x"] = 1
	}}
	h.routes["/late"] = route{[]string{http.MethodGet}, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		panic("after the header")
	}}
	h.routes["/abort"] = route{[]string{http.MethodGet}, func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = nil
	srv.Start()
	defer srv.Close()

	for _, path := range []string{"/boom", "/nilmap"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 500 || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if string(body) != `{"error":"server_error","error_description":"the server could not complete the request"}`+"\n" {
			t.Errorf("%s: body %s", path, body)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: no Cache-Control on the 500", path)
		}
	}
	resp, err := http.Get(srv.URL + "/late")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("/late: status %d, want the one already sent", resp.StatusCode)
	}
	if resp, err := http.Get(srv.URL + "/abort"); err == nil {
		resp.Body.Close()
		t.Error("/abort: ErrAbortHandler did not abort the response")
	}
	srv.Close()

	log := logBuf.String()
	for _, want := range []string{
		"panic serving GET /boom: panic value of type string (withheld)",
		"GET /boom 500 ",
		"panic serving GET /nilmap: assignment to entry in nil map",
		"GET /nilmap 500 ",
		"GET /late 202 ",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "secret-value") || strings.Contains(log, "eyJ") {
		t.Errorf("log leaks the panic value:\n%s", log)
	}
}
