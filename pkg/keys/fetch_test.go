package keys_test

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

func TestFetchJWKS(t *testing.T) {
	jwks := readFixture(t, "jwks-public.json")
	private := readFixture(t, "ec256.jwk.json")
	mux := http.NewServeMux()
	release := make(chan struct{}) // ends /slow handlers when the test is done
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept"), "json") {
			http.Error(w, "want json", http.StatusNotAcceptable)
			return
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Write(jwks)
	})
	mux.HandleFunc("/jwk", func(w http.ResponseWriter, r *http.Request) { w.Write(private) })
	mux.HandleFunc("/secret", func(w http.ResponseWriter, r *http.Request) { w.Write(readFixture(t, "hs256.jwk.json")) })
	mux.HandleFunc("/pem", func(w http.ResponseWriter, r *http.Request) { w.Write(readFixture(t, "ec256-spki.pub.pem")) })
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>login</html>")) })
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"keys":[`))
		w.Write([]byte(strings.Repeat(" ", 2000)))
		w.Write([]byte(`]}`))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/escape", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 418 \x1b]0;owned\x07tea\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		buf.Flush()
	})
	mux.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"keys":[{"kty":"EC"}]}`)) })

	plain := httptest.NewServer(mux)
	defer plain.Close()
	tlsSrv := httptest.NewUnstartedServer(mux)
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted-certificate case logs
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	defer close(release) // before the Close calls, which wait for handlers

	for _, srv := range []*httptest.Server{plain, tlsSrv} {
		client := srv.Client()
		ctx := context.Background()
		t.Run(srv.URL[:5], func(t *testing.T) {
			set, err := keys.FetchJWKS(ctx, srv.URL+"/jwks?token=hunter2", keys.FetchOptions{Client: client})
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Keys) != 5 {
				t.Errorf("got %d keys", len(set.Keys))
			}
			set, err = keys.FetchJWKS(ctx, srv.URL+"/jwk", keys.FetchOptions{Client: client})
			if err != nil || len(set.Keys) != 1 || set.Keys[0].IsPrivate() {
				t.Errorf("single private JWK: %v; private members must be dropped", err)
			}

			tests := []struct {
				path string
				max  int64
				want error
				msg  string
			}{
				{"/missing", 0, nil, "HTTP 404 Not Found"},
				{"/secret", 0, keys.ErrUnsupported, "HMAC secret"},
				{"/pem", 0, keys.ErrUnrecognized, "not a JSON object"},
				{"/html", 0, keys.ErrUnrecognized, "not a JSON object"},
				{"/empty", 0, keys.ErrUnrecognized, "empty"},
				{"/big", 1000, keys.ErrTooLarge, "larger than 1000 bytes"},
				{"/bad", 0, keys.ErrInvalidKey, `no "crv"`},
			}
			for _, tt := range tests {
				_, err := keys.FetchJWKS(ctx, srv.URL+tt.path+"?token=hunter2", keys.FetchOptions{Client: client, MaxBytes: tt.max})
				if err == nil {
					t.Errorf("%s: no error", tt.path)
					continue
				}
				if tt.want != nil && !errors.Is(err, tt.want) {
					t.Errorf("%s: error %v does not wrap %v", tt.path, err, tt.want)
				}
				if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), srv.URL+tt.path) {
					t.Errorf("%s: error %q lacks %q or the URL", tt.path, err, tt.msg)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("%s: error leaks the query: %v", tt.path, err)
				}
			}

			ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			// /slow answers only when the test ends: only the context's
			// deadline can end the fetch, and the error must say it did.
			_, err = keys.FetchJWKS(ctx, srv.URL+"/slow", keys.FetchOptions{Client: client})
			if err == nil || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("slow server: %v, want context.DeadlineExceeded", err)
			}
		})
	}

	// The TLS server's certificate is not trusted by a default client.
	_, err := keys.FetchJWKS(context.Background(), tlsSrv.URL+"/jwks", keys.FetchOptions{Client: &http.Client{}})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: %v", err)
	}
	for _, u := range []string{"ftp://x/jwks", "file:///etc/passwd", "not a url", "https://"} {
		if _, err := keys.FetchJWKS(context.Background(), u, keys.FetchOptions{Client: plain.Client()}); err == nil || !strings.Contains(err.Error(), "want an http:// or https:// URL") {
			t.Errorf("%s: %v", u, err)
		}
	}
	// The server's reason phrase reaches the message with its control characters escaped.
	if _, err := keys.FetchJWKS(context.Background(), plain.URL+"/escape", keys.FetchOptions{Client: plain.Client()}); err == nil || !strings.Contains(err.Error(), `HTTP 418 \u001b]0;owned\u0007tea`) || strings.ContainsAny(err.Error(), "\x1b\x07") {
		t.Errorf("status with escapes: %q", err)
	}
	// A refused URL is named without its credentials or query.
	for _, u := range []string{"ftp://admin:hunter2@x/jwks", "file:///jwks?token=hunter2", "https://admin:hunter2@", "http://admin:hunter 2@x/%zz"} {
		_, err := keys.FetchJWKS(context.Background(), u, keys.FetchOptions{Client: plain.Client()})
		if err == nil || !strings.Contains(err.Error(), "want an http:// or https:// URL") || strings.Contains(err.Error(), "hunter") {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := keys.FetchJWKS(context.Background(), plain.URL, keys.FetchOptions{}); err == nil || !strings.Contains(err.Error(), "no HTTP client") {
		t.Errorf("nil client: %v", err)
	}
}

func TestDevKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "jwtkit")
	k, path, created, err := keys.DevKey(dir)
	if err != nil || !created {
		t.Fatalf("first DevKey: created %v, %v", created, err)
	}
	if path != filepath.Join(dir, "dev.pem") || k.DefaultAlg() != "ES256" || !k.IsPrivate() || k.Source != "dev key" {
		t.Errorf("dev key %s at %s, alg %s, source %q", k.Describe(), path, k.DefaultAlg(), k.Source)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("dev.pem mode %v", fi.Mode())
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v", fi.Mode())
	}
	k2, _, created, err := keys.DevKey(dir)
	if err != nil || created || k2.KID != k.KID || k2.Alg != k.Alg || k2.Format != k.Format {
		t.Errorf("second DevKey: created %v, kid %q vs %q, %v", created, k2.KID, k.KID, err)
	}

	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "dev.pem"), readFixture(t, "ec256-spki.pub.pem"), 0o600)
	if _, _, _, err := keys.DevKey(bad); !errors.Is(err, keys.ErrInvalidKey) || !strings.Contains(err.Error(), "exactly one private key") {
		t.Errorf("public dev.pem: %v", err)
	}
	if _, _, _, err := keys.DevKey(""); err == nil {
		t.Error("empty dir accepted")
	}
}
