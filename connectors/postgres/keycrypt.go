package postgres

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des" //nolint:gosec // triple DES keys written by older OpenSSL releases are still read
	"crypto/pbkdf2"
	"crypto/sha1" //nolint:gosec // PBKDF2's default PRF is HMAC-SHA1, which remains sound there
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
)

// maxPBKDF2Iterations bounds the work a key's own parameters can ask for:
// OpenSSL writes 2,048 iterations by default and guides for PBKDF2 ask for
// at most about a million; ten million takes a few seconds.
const maxPBKDF2Iterations = 10_000_000

// The ASN.1 of an encrypted PKCS#8 key (RFC 5208) and of PBES2 (RFC 8018).
type (
	algorithmID struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	encryptedPrivateKeyInfo struct {
		Algorithm     algorithmID
		EncryptedData []byte
	}
	pbes2Parameters struct {
		KeyDerivationFunc algorithmID
		EncryptionScheme  algorithmID
	}
	pbkdf2Parameters struct {
		Salt           asn1.RawValue
		IterationCount int
		KeyLength      int         `asn1:"optional"`
		PRF            algorithmID `asn1:"optional"`
	}
)

var (
	oidPBES2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
)

// pbkdf2PRFs are the PRFs of PBKDF2 accepted, by OID (RFC 8018, B.1).
var pbkdf2PRFs = []struct {
	oid  asn1.ObjectIdentifier
	hash func() hash.Hash
}{
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}, sha1.New},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}, sha256.New224},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}, sha256.New},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}, sha512.New384},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}, sha512.New},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 12}, sha512.New512_224},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 13}, sha512.New512_256},
}

// pbes2Ciphers are the encryption schemes of PBES2 accepted, by OID: the
// CBC modes OpenSSL writes (RFC 8018, B.2; NIST's AES OIDs).
var pbes2Ciphers = []struct {
	oid    asn1.ObjectIdentifier
	keyLen int
	block  func(key []byte) (cipher.Block, error)
}{
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}, 16, aes.NewCipher},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}, 24, aes.NewCipher},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}, 32, aes.NewCipher},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}, 24, des.NewTripleDESCipher},
}

// olderSchemes names the password-based schemes older than PBES2 that a
// PKCS#8 key may be encrypted with, which are refused by name.
var olderSchemes = map[string]string{
	"1.2.840.113549.1.5.1":    "PBES1 (pbeWithMD2AndDES-CBC)",
	"1.2.840.113549.1.5.3":    "PBES1 (pbeWithMD5AndDES-CBC)",
	"1.2.840.113549.1.5.4":    "PBES1 (pbeWithMD2AndRC2-CBC)",
	"1.2.840.113549.1.5.6":    "PBES1 (pbeWithMD5AndRC2-CBC)",
	"1.2.840.113549.1.5.10":   "PBES1 (pbeWithSHA1AndDES-CBC)",
	"1.2.840.113549.1.5.11":   "PBES1 (pbeWithSHA1AndRC2-CBC)",
	"1.2.840.113549.1.12.1.1": "PKCS#12 pbeWithSHAAnd128BitRC4",
	"1.2.840.113549.1.12.1.2": "PKCS#12 pbeWithSHAAnd40BitRC4",
	"1.2.840.113549.1.12.1.3": "PKCS#12 pbeWithSHAAnd3-KeyTripleDES-CBC",
	"1.2.840.113549.1.12.1.4": "PKCS#12 pbeWithSHAAnd2-KeyTripleDES-CBC",
	"1.2.840.113549.1.12.1.5": "PKCS#12 pbeWithSHAAnd128BitRC2-CBC",
	"1.2.840.113549.1.12.1.6": "PKCS#12 pbeWithSHAAnd40BitRC2-CBC",
}

// reencrypt is the advice given with a key in a form the connector cannot
// decrypt.
const reencrypt = "re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.key -out new.key` (PBES2, PBKDF2, AES-256-CBC) or give it unencrypted"

// errWrongPassword is a decryption that produced no key: the password is
// wrong, or the key damaged (the two cannot be told apart).
var errWrongPassword = errors.New("wrong password")

// unsupportedError is an encrypted key in a form the connector does not
// decrypt; its text names the form, never any of the key.
type unsupportedError struct {
	what    string
	damaged bool // the key cannot be read, rather than read in a form not supported
}

func (e unsupportedError) Error() string { return e.what }

// decryptPKCS8 decrypts the DER of an ENCRYPTED PRIVATE KEY block (PKCS#8
// with PBES2: PBKDF2 with an HMAC-SHA-1 or SHA-2 PRF, and AES-CBC or
// triple DES CBC) with password, returning the DER of the PKCS#8 key.
// Its errors are errWrongPassword or an unsupportedError.
func decryptPKCS8(der []byte, password string) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) > 0 {
		return nil, unsupportedError{what: "its ENCRYPTED PRIVATE KEY block is not a PKCS#8 encrypted key (it is damaged)", damaged: true}
	}
	if !info.Algorithm.Algorithm.Equal(oidPBES2) {
		name := olderSchemes[info.Algorithm.Algorithm.String()]
		if name == "" {
			name = "the scheme " + info.Algorithm.Algorithm.String()
		}
		return nil, unsupportedError{what: "it is encrypted with " + name + ", which the connector does not read (only PBES2)"}
	}
	var params pbes2Parameters
	if _, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil {
		return nil, unsupportedError{what: "its PBES2 parameters cannot be read (it is damaged)", damaged: true}
	}
	var c = -1
	for i := range pbes2Ciphers {
		if params.EncryptionScheme.Algorithm.Equal(pbes2Ciphers[i].oid) {
			c = i
		}
	}
	if c < 0 {
		return nil, unsupportedError{what: fmt.Sprintf("it is encrypted with the cipher %s, which the connector does not read (only AES-128, AES-192 and AES-256 in CBC mode, and triple DES)", params.EncryptionScheme.Algorithm)}
	}
	var iv []byte
	if _, err := asn1.Unmarshal(params.EncryptionScheme.Parameters.FullBytes, &iv); err != nil {
		return nil, unsupportedError{what: "its cipher's IV cannot be read (it is damaged)", damaged: true}
	}
	key, err := deriveKey(params.KeyDerivationFunc, password, pbes2Ciphers[c].keyLen)
	if err != nil {
		return nil, err
	}
	block, err := pbes2Ciphers[c].block(key)
	if err != nil {
		return nil, err
	}
	return cbcDecrypt(block, iv, info.EncryptedData)
}

// deriveKey derives a key of n bytes from password with PBKDF2 as the
// parameters kdf say.
func deriveKey(kdf algorithmID, password string, n int) ([]byte, error) {
	if kdf.Algorithm.Equal(oidScrypt) {
		return nil, unsupportedError{what: "its key is derived with scrypt, which the connector does not read (only PBKDF2)"}
	}
	if !kdf.Algorithm.Equal(oidPBKDF2) {
		return nil, unsupportedError{what: fmt.Sprintf("its key is derived with %s, which the connector does not read (only PBKDF2)", kdf.Algorithm)}
	}
	var p pbkdf2Parameters
	if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil || p.Salt.Tag != asn1.TagOctetString || p.Salt.Class != asn1.ClassUniversal {
		return nil, unsupportedError{what: "its PBKDF2 parameters cannot be read (it is damaged, or its salt is not given inline)", damaged: true}
	}
	if p.IterationCount < 1 || p.IterationCount > maxPBKDF2Iterations {
		return nil, unsupportedError{what: fmt.Sprintf("its PBKDF2 iteration count %d is outside 1 to %d", p.IterationCount, maxPBKDF2Iterations)}
	}
	if p.KeyLength != 0 && p.KeyLength != n {
		return nil, unsupportedError{what: fmt.Sprintf("its PBKDF2 key length %d does not fit its cipher (%d bytes)", p.KeyLength, n)}
	}
	prf := sha1.New // the default PRF, when none is named
	if len(p.PRF.Algorithm) > 0 {
		prf = nil
		for _, h := range pbkdf2PRFs {
			if p.PRF.Algorithm.Equal(h.oid) {
				prf = h.hash
			}
		}
		if prf == nil {
			return nil, unsupportedError{what: fmt.Sprintf("its PBKDF2 PRF %s is not one the connector reads (HMAC with SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512)", p.PRF.Algorithm)}
		}
	}
	return pbkdf2.Key(prf, password, p.Salt.Bytes, p.IterationCount, n)
}

// cbcDecrypt decrypts data in CBC mode and removes its PKCS#7 padding; a
// wrong length or padding is errWrongPassword.
func cbcDecrypt(block cipher.Block, iv, data []byte) ([]byte, error) {
	bs := block.BlockSize()
	if len(iv) != bs {
		return nil, unsupportedError{what: "its cipher's IV has the wrong length (it is damaged)", damaged: true}
	}
	if len(data) == 0 || len(data)%bs != 0 {
		return nil, errWrongPassword
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	pad := int(out[len(out)-1])
	if pad == 0 || pad > bs {
		return nil, errWrongPassword
	}
	for _, b := range out[len(out)-pad:] {
		if int(b) != pad {
			return nil, errWrongPassword
		}
	}
	return out[:len(out)-pad], nil
}

// decryptLegacyPEM decrypts a key encrypted the traditional OpenSSL way
// (Proc-Type: 4,ENCRYPTED and DEK-Info headers: DES, triple DES or AES in
// CBC mode, the key derived from the password with MD5), returning the
// DER of the key the block's type names.
func decryptLegacyPEM(b *pem.Block, password string) ([]byte, error) {
	// x509.DecryptPEMBlock is deprecated because the format is weak (MD5
	// key derivation, padding oracles when decrypting for others); the
	// connector decrypts only the key it was given, with the password it
	// was given, which is what libpq does with such keys too.
	der, err := x509.DecryptPEMBlock(b, []byte(password)) //lint:ignore SA1019 the traditional format has no other reader in the standard library; see above
	switch {
	case err == nil:
		return der, nil
	case errors.Is(err, x509.IncorrectPasswordError):
		return nil, errWrongPassword
	}
	// The other errors of DecryptPEMBlock name the header that is wrong
	// (the cipher, the IV), never key material.
	return nil, unsupportedError{what: "its traditional encryption headers cannot be used (" + err.Error() + ")"}
}
