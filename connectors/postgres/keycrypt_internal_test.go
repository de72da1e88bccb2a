package postgres

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des" //nolint:gosec // the triple DES form is read, so it is tested
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // PBKDF2's default PRF
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"errors"
	"hash"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
)

// pbes2Spec describes an encrypted PKCS#8 key to make; zero fields take
// OpenSSL 3's defaults (HMAC-SHA256, AES-256-CBC, 2048 iterations).
type pbes2Spec struct {
	prf        asn1.ObjectIdentifier // nil: HMAC-SHA256; noPRF: none named (SHA-1)
	prfHash    func() hash.Hash
	cipher     asn1.ObjectIdentifier
	keyLen     int // the cipher's key length
	block      func([]byte) (cipher.Block, error)
	iterations int
	kdfKeyLen  int // the keyLength field, 0 for none
	kdf        asn1.ObjectIdentifier
	ivLen      int
}

var noPRF = asn1.ObjectIdentifier{0}

// encryptPBES2 encrypts plain with password as spec says.
func encryptPBES2(t testing.TB, plain []byte, password string, spec pbes2Spec) []byte {
	t.Helper()
	if spec.cipher == nil {
		spec.cipher, spec.keyLen, spec.block = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}, 32, aes.NewCipher
	}
	if spec.prf == nil {
		spec.prf, spec.prfHash = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}, sha256.New
	}
	if spec.iterations == 0 {
		spec.iterations = 2048
	}
	if spec.kdf == nil {
		spec.kdf = oidPBKDF2
	}
	salt := make([]byte, 8)
	_, _ = rand.Read(salt)
	key, err := pbkdf2.Key(spec.prfHash, password, salt, min(spec.iterations, 10_000), spec.keyLen)
	if err != nil {
		t.Fatal(err)
	}
	block, err := spec.block(key)
	if err != nil {
		t.Fatal(err)
	}
	iv := make([]byte, block.BlockSize())
	_, _ = rand.Read(iv)
	pad := block.BlockSize() - len(plain)%block.BlockSize()
	padded := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	data := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(data, padded)
	if spec.ivLen != 0 {
		iv = iv[:spec.ivLen]
	}
	saltDER, _ := asn1.Marshal(salt)
	p := struct {
		Salt       asn1.RawValue
		Iterations int
		KeyLength  int         `asn1:"optional"`
		PRF        algorithmID `asn1:"optional"`
	}{Salt: asn1.RawValue{FullBytes: saltDER}, Iterations: spec.iterations, KeyLength: spec.kdfKeyLen}
	if !spec.prf.Equal(noPRF) {
		p.PRF = algorithmID{Algorithm: spec.prf, Parameters: asn1.NullRawValue}
	}
	kdfDER, err := asn1.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	ivDER, _ := asn1.Marshal(iv)
	params, err := asn1.Marshal(pbes2Parameters{KeyDerivationFunc: algorithmID{Algorithm: spec.kdf, Parameters: asn1.RawValue{FullBytes: kdfDER}},
		EncryptionScheme: algorithmID{Algorithm: spec.cipher, Parameters: asn1.RawValue{FullBytes: ivDER}}})
	if err != nil {
		t.Fatal(err)
	}
	der, err := asn1.Marshal(encryptedPrivateKeyInfo{Algorithm: algorithmID{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}}, EncryptedData: data})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestDecryptPKCS8 decrypts keys made with each PRF and cipher accepted,
// and refuses, by kind, what it must: a wrong password, the forms not
// read, parameters out of bounds, damaged structures.
func TestDecryptPKCS8(t *testing.T) {
	plain := []byte("a PKCS#8 key stands here; only its bytes matter to the decryption")
	const pw = "correct horse battery staple"
	oid := func(n ...int) asn1.ObjectIdentifier { return asn1.ObjectIdentifier(n) }
	cases := []struct {
		name     string
		der      []byte
		password string
		want     string // "" for success, "wrong" for errWrongPassword, else a part of the unsupportedError
	}{
		{"OpenSSL 3's default", encryptPBES2(t, plain, pw, pbes2Spec{}), pw, ""},
		{"no PRF named: HMAC-SHA1", encryptPBES2(t, plain, pw, pbes2Spec{prf: noPRF, prfHash: sha1.New}), pw, ""},
		{"HMAC-SHA1", encryptPBES2(t, plain, pw, pbes2Spec{prf: oid(1, 2, 840, 113549, 2, 7), prfHash: sha1.New}), pw, ""},
		{"HMAC-SHA224", encryptPBES2(t, plain, pw, pbes2Spec{prf: oid(1, 2, 840, 113549, 2, 8), prfHash: sha256.New224}), pw, ""},
		{"HMAC-SHA384", encryptPBES2(t, plain, pw, pbes2Spec{prf: oid(1, 2, 840, 113549, 2, 10), prfHash: sha512.New384}), pw, ""},
		{"HMAC-SHA512", encryptPBES2(t, plain, pw, pbes2Spec{prf: oid(1, 2, 840, 113549, 2, 11), prfHash: sha512.New}), pw, ""},
		{"HMAC-SHA512/224", encryptPBES2(t, plain, pw, pbes2Spec{prf: oid(1, 2, 840, 113549, 2, 12), prfHash: sha512.New512_224}), pw, ""},
		{"HMAC-SHA512/256", encryptPBES2(t, plain, pw, pbes2Spec{prf: oid(1, 2, 840, 113549, 2, 13), prfHash: sha512.New512_256}), pw, ""},
		{"AES-128-CBC", encryptPBES2(t, plain, pw, pbes2Spec{cipher: oid(2, 16, 840, 1, 101, 3, 4, 1, 2), keyLen: 16, block: aes.NewCipher}), pw, ""},
		{"AES-192-CBC", encryptPBES2(t, plain, pw, pbes2Spec{cipher: oid(2, 16, 840, 1, 101, 3, 4, 1, 22), keyLen: 24, block: aes.NewCipher}), pw, ""},
		{"DES-EDE3-CBC", encryptPBES2(t, plain, pw, pbes2Spec{cipher: oid(1, 2, 840, 113549, 3, 7), keyLen: 24, block: des.NewTripleDESCipher}), pw, ""},
		{"key length given, right", encryptPBES2(t, plain, pw, pbes2Spec{kdfKeyLen: 32}), pw, ""},
		{"one iteration", encryptPBES2(t, plain, pw, pbes2Spec{iterations: 1}), pw, ""},

		{"wrong password", encryptPBES2(t, plain, pw, pbes2Spec{}), "Correct horse battery staple", "wrong"},
		{"empty password", encryptPBES2(t, plain, pw, pbes2Spec{}), "", "wrong"},
		{"AES-256-GCM", encryptPBES2(t, plain, pw, pbes2Spec{cipher: oid(2, 16, 840, 1, 101, 3, 4, 1, 46), keyLen: 32, block: aes.NewCipher}), pw, "cipher 2.16.840.1.101.3.4.1.46"},
		{"an unknown PRF", encryptPBES2(t, plain, pw, pbes2Spec{prf: oid(1, 2, 840, 113549, 2, 5), prfHash: sha1.New}), pw, "PRF 1.2.840.113549.2.5"},
		{"scrypt", encryptPBES2(t, plain, pw, pbes2Spec{kdf: oidScrypt}), pw, "scrypt"},
		{"another KDF", encryptPBES2(t, plain, pw, pbes2Spec{kdf: oid(1, 2, 3)}), pw, "derived with 1.2.3"},
		{"too many iterations", encryptPBES2(t, plain, pw, pbes2Spec{iterations: maxPBKDF2Iterations + 1}), pw, "iteration count 10000001"},
		{"key length of another cipher", encryptPBES2(t, plain, pw, pbes2Spec{kdfKeyLen: 16}), pw, "key length 16"},
		{"short IV", encryptPBES2(t, plain, pw, pbes2Spec{ivLen: 8}), pw, "IV has the wrong length"},
		{"truncated data", func() []byte { d := encryptPBES2(t, plain, pw, pbes2Spec{}); return d[:len(d)-1] }(), pw, "damaged"},
		{"trailing bytes", append(encryptPBES2(t, plain, pw, pbes2Spec{}), 0), pw, "damaged"},
		{"not DER", []byte("-----BEGIN"), pw, "damaged"},
		{"PKCS#12 PBE", func() []byte {
			d, _ := asn1.Marshal(encryptedPrivateKeyInfo{Algorithm: algorithmID{Algorithm: oid(1, 2, 840, 113549, 1, 12, 1, 3)}, EncryptedData: []byte{1}})
			return d
		}(), pw, "pbeWithSHAAnd3-KeyTripleDES-CBC"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			got, err := decryptPKCS8(c.der, c.password)
			var unsupported unsupportedError
			switch {
			case c.want == "":
				is.NoErr(err)
				is.Equal(got, plain)
			case c.want == "wrong":
				is.True(errors.Is(err, errWrongPassword))
			default:
				is.True(errors.As(err, &unsupported))
				if !strings.Contains(unsupported.what, c.want) {
					t.Fatalf("error %q lacks %q", unsupported.what, c.want)
				}
			}
			if err != nil && c.password != "" {
				is.True(!strings.Contains(err.Error(), c.password)) // the password is never quoted
			}
		})
	}
}

// FuzzDecryptPKCS8 feeds the PKCS#8 decryption any bytes and password:
// it never panics, fails only with errWrongPassword or an
// unsupportedError, and a structure the fuzzer did not break decrypts to
// what was encrypted.
func FuzzDecryptPKCS8(f *testing.F) {
	const pw = "fuzz-password"
	plain := []byte("0123456789abcdef-0123456789abcdef")
	f.Add(encryptPBES2(f, plain, pw, pbes2Spec{iterations: 10}), pw)
	f.Add(encryptPBES2(f, plain, pw, pbes2Spec{iterations: 3, prf: noPRF, prfHash: sha1.New}), pw)
	f.Add(encryptPBES2(f, plain, pw, pbes2Spec{iterations: 2, cipher: asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}, keyLen: 24, block: des.NewTripleDESCipher}), "other")
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x01}, "")
	f.Fuzz(func(t *testing.T, der []byte, password string) {
		if costly(der) {
			return // an iteration count the fuzzer should not spend seconds on
		}
		got, err := decryptPKCS8(der, password)
		var unsupported unsupportedError
		switch {
		case err == nil:
			if got == nil {
				t.Fatal("no error and no key")
			}
		case errors.Is(err, errWrongPassword), errors.As(err, &unsupported):
		default:
			t.Fatalf("an error of another kind: %v", err)
		}
	})
}

// costly reports whether der parses as PBES2 with PBKDF2 asking for
// more than 1,000 iterations.
func costly(der []byte) bool {
	var info encryptedPrivateKeyInfo
	var params pbes2Parameters
	var p pbkdf2Parameters
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return false
	}
	if _, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil {
		return false
	}
	if _, err := asn1.Unmarshal(params.KeyDerivationFunc.Parameters.FullBytes, &p); err != nil {
		return false
	}
	return p.IterationCount > 1_000
}

// BenchmarkDecodeEncryptedKey measures what an encrypted client_key adds
// to a call: decodeSettings (run once per call) with the key encrypted
// as OpenSSL 3 writes it by default (PBES2, PBKDF2-HMAC-SHA256 with 2,048
// iterations, AES-256-CBC), against the same settings with the key
// unencrypted, in the same run. It reports ratio (encrypted / plain) and
// both times per decode. Run it with
//
//	go test ./connectors/postgres -run '^$' -bench DecodeEncryptedKey
func BenchmarkDecodeEncryptedKey(b *testing.B) {
	c, err := pgtest.MakeClientCerts()
	if err != nil {
		b.Fatal(err)
	}
	block, _ := pem.Decode([]byte(c.KeyPKCS8))
	encrypted := string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: encryptPBES2(b, block.Bytes, "bench-password", pbes2Spec{})}))
	settings := func(key, password string) []byte {
		raw, _ := json.Marshal(map[string]any{"host": "db.example.test", "client_certificate": c.Cert, "client_key": key, "client_key_password": password})
		return raw
	}
	plainRaw, encRaw := settings(c.KeyPKCS8, ""), settings(encrypted, "bench-password")
	var plainTime, encTime time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := decodeSettings(plainRaw); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := decodeSettings(encRaw); err != nil {
			b.Fatal(err)
		}
		plainTime += mid.Sub(start)
		encTime += time.Since(mid)
	}
	b.ReportMetric(float64(encTime)/float64(plainTime), "ratio")
	b.ReportMetric(float64(plainTime.Microseconds())/float64(b.N), "plain-µs/op")
	b.ReportMetric(float64(encTime.Microseconds())/float64(b.N), "encrypted-µs/op")
}
