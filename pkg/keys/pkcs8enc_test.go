package keys_test

import (
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// fixturePassword is the passphrase of every encrypted fixture.
const fixturePassword = "jwtkit-test"

// testIterations keeps round trips fast; TestEncryptDefaultStrength covers
// the real count.
const testIterations = keys.MinIterations

// password returns a PasswordFunc giving p and counting its calls.
func password(p string, calls *int) keys.PasswordFunc {
	return func(source string) ([]byte, error) {
		*calls++
		return []byte(p), nil
	}
}

func TestParseEncryptedFixture(t *testing.T) {
	calls := 0
	set, err := keys.ParseWith(readFixture(t, "ec256-encrypted.pem"), "k.pem", keys.ParseOptions{Password: password(fixturePassword, &calls)})
	if err != nil {
		t.Fatal(err)
	}
	k := set.Keys[0]
	if k.KID != tpEC256 || !k.IsPrivate() || calls != 1 {
		t.Errorf("kid %s private %v calls %d", k.KID, k.IsPrivate(), calls)
	}
	if want := "encrypted PKCS#8 PEM (PBES2: PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC)"; k.Format != want {
		t.Errorf("format %q, want %q", k.Format, want)
	}
}

func TestParseEncryptedErrors(t *testing.T) {
	secret := "correct horse battery staple"
	tests := []struct {
		file, pass string
		want       error
		msg        string
	}{
		{"ec256-encrypted.pem", secret, keys.ErrWrongPassword, "wrong passphrase for the encrypted private key"},
		{"ec256-encrypted.pem", "", keys.ErrWrongPassword, "wrong passphrase"},
		{"ec256-encrypted-scrypt.pem", fixturePassword, keys.ErrUnsupported, "uses scrypt, which jwtkit does not read (it would need golang.org/x/crypto); convert it with: openssl pkcs8 -topk8 -v2 aes-256-cbc"},
		{"ec256-encrypted-des3.pem", fixturePassword, keys.ErrUnsupported, "uses cipher DES-EDE3-CBC; jwtkit reads AES-128/192/256-CBC"},
		{"ec256-encrypted-pbes1.pem", fixturePassword, keys.ErrUnsupported, "PKCS#12 PBE (1.2.840.113549.1.12.1.3), an outdated scheme"},
		{"rsa2048-pkcs1-encrypted.pem", fixturePassword, keys.ErrUnsupported, "Proc-Type: 4,ENCRYPTED"},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.pass, func(t *testing.T) {
			calls := 0
			_, err := keys.ParseWith(readFixture(t, tc.file), tc.file, keys.ParseOptions{Password: password(tc.pass, &calls)})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q lacks %q", err, tc.msg)
			}
			if tc.pass != "" && strings.Contains(err.Error(), tc.pass) {
				t.Errorf("message echoes the passphrase: %q", err)
			}
			if tc.want == keys.ErrUnsupported && calls != 0 {
				t.Errorf("asked for a passphrase for a scheme it cannot read")
			}
		})
	}
}

func TestParseEncryptedPasswordFuncError(t *testing.T) {
	boom := errors.New("no terminal")
	_, err := keys.ParseWith(readFixture(t, "ec256-encrypted.pem"), "k.pem", keys.ParseOptions{
		Password: func(string) ([]byte, error) { return nil, boom },
	})
	if !errors.Is(err, boom) {
		t.Errorf("err %v does not wrap the callback's error", err)
	}
}

func TestParseEncryptedMaxIterations(t *testing.T) {
	calls := 0
	_, err := keys.ParseWith(readFixture(t, "ec256-encrypted.pem"), "k.pem", keys.ParseOptions{Password: password(fixturePassword, &calls), MaxIterations: 2000})
	if !errors.Is(err, keys.ErrUnsupported) || !strings.Contains(err.Error(), "iteration count 2048 is above the limit of 2000") || calls != 0 {
		t.Errorf("err %v, calls %d", err, calls)
	}
}

// TestEncryptRoundTrip: every private key type survives MarshalEncryptedPEM
// and ParseWith, as PEM and as DER; a file with two encrypted keys asks once.
func TestEncryptRoundTrip(t *testing.T) {
	for _, name := range []string{"rsa2048-pkcs8.pem", "ec256-pkcs8.pem", "ec384-sec1.pem", "ec521-sec1.pem", "ed25519-pkcs8.pem"} {
		t.Run(name, func(t *testing.T) {
			orig, err := keys.Parse(readFixture(t, name), name)
			if err != nil {
				t.Fatal(err)
			}
			k := orig.Keys[0]
			out, err := keys.MarshalEncryptedPEM(k, []byte("pässwörd"), keys.EncryptOptions{Iterations: testIterations})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(out), "-----BEGIN ENCRYPTED PRIVATE KEY-----\n") {
				t.Fatalf("not an encrypted PKCS#8 PEM:\n%s", out)
			}
			block, _ := pem.Decode(out)
			for _, data := range [][]byte{out, block.Bytes, append(append([]byte{}, out...), out...)} {
				calls := 0
				set, err := keys.ParseWith(data, "x", keys.ParseOptions{Password: password("pässwörd", &calls)})
				if err != nil {
					t.Fatal(err)
				}
				if calls != 1 || len(set.Keys) != 1 || set.Keys[0].KID != k.KID || !set.Keys[0].IsPrivate() {
					t.Errorf("calls %d, %d keys, kid %s want %s", calls, len(set.Keys), set.Keys[0].KID, k.KID)
				}
				if !strings.Contains(set.Keys[0].Format, "PBKDF2-HMAC-SHA256, 1000 iterations, AES-256-CBC") {
					t.Errorf("format %q", set.Keys[0].Format)
				}
			}
		})
	}
}

// TestEncryptDefaultStrength writes and reads back one key at the real
// default: 600,000 PBKDF2-HMAC-SHA256 iterations.
func TestEncryptDefaultStrength(t *testing.T) {
	set, err := keys.Parse(readFixture(t, "ed25519-pkcs8.pem"), "ed")
	if err != nil {
		t.Fatal(err)
	}
	out, err := keys.MarshalEncryptedPEM(set.Keys[0], []byte("s3cret"), keys.EncryptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	back, err := keys.ParseWith(out, "ed", keys.ParseOptions{Password: password("s3cret", &calls)})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("PBKDF2-HMAC-SHA256, %d iterations, AES-256-CBC", keys.DefaultIterations)
	if keys.DefaultIterations < 600_000 || !strings.Contains(back.Keys[0].Format, want) || back.Keys[0].KID != tpEd25519 {
		t.Errorf("format %q kid %s", back.Keys[0].Format, back.Keys[0].KID)
	}
}

func TestEncryptRefusals(t *testing.T) {
	set, _ := keys.Parse(readFixture(t, "ec256-pkcs8.pem"), "ec")
	priv := set.Keys[0]
	sec, _ := keys.NewSecret([]byte("0123456789abcdef0123456789abcdef"), "s")
	tests := []struct {
		name string
		k    *keys.Key
		pass string
		iter int
	}{
		{"public key", priv.PublicKey(), "x", testIterations},
		{"secret", sec, "x", testIterations},
		{"empty passphrase", priv, "", testIterations},
		{"too few iterations", priv, "x", keys.MinIterations - 1},
		{"too many iterations", priv, "x", keys.MaxIterations + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := keys.MarshalEncryptedPEM(tc.k, []byte(tc.pass), keys.EncryptOptions{Iterations: tc.iter})
			if !errors.Is(err, keys.ErrInvalidKey) {
				t.Errorf("err %v, want ErrInvalidKey", err)
			}
		})
	}
}

func ExampleMarshalEncryptedPEM() {
	set, _ := keys.Parse([]byte(`{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}`), "k")
	out, _ := keys.MarshalEncryptedPEM(set.Keys[0], []byte("s3cret"), keys.EncryptOptions{Iterations: 10_000})
	back, err := keys.ParseWith(out, "k", keys.ParseOptions{
		Password: func(source string) ([]byte, error) { return []byte("s3cret"), nil },
	})
	fmt.Println(err, back.Keys[0].Format)
	_, err = keys.ParseWith(out, "k", keys.ParseOptions{
		Password: func(source string) ([]byte, error) { return []byte("guess"), nil },
	})
	fmt.Println(errors.Is(err, keys.ErrWrongPassword))
	// Output:
	// <nil> encrypted PKCS#8 PEM (PBES2: PBKDF2-HMAC-SHA256, 10000 iterations, AES-256-CBC)
	// true
}
