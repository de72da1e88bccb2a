package ldaptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"
)

// selfSigned makes a certificate for 127.0.0.1, localhost and the extra
// addresses, valid for a day, that is its own CA.
func selfSigned(extra ...net.IP) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "lumos ldaptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           append([]net.IP{net.IPv4(127, 0, 0, 1)}, extra...),
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), nil
}

// randomString is n random hex digits.
func randomString(n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)[:n]
}

// PeopleLDIF is LDIF for n inetOrgPerson entries uid=<prefix><i> in PeopleDN
// (i from 0), with a mail address and a name, for slapadd seeding.
func PeopleLDIF(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		uid := fmt.Sprintf("%s%05d", prefix, i)
		fmt.Fprintf(&b, "dn: uid=%s,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: User %s\nsn: %s\ngivenName: User\nmail: %s@lumos.test\n\n",
			uid, PeopleDN, uid, uid, uid, uid)
	}
	return b.String()
}

// GroupLDIF is LDIF for a group entry cn=<name> in GroupsDN of the object
// class (groupOfNames, groupOfUniqueNames or posixGroup) with the values of
// its membership attribute (member, uniqueMember or memberUid).
func GroupLDIF(class, name string, members []string) string {
	attr := map[string]string{"groupOfNames": "member", "groupOfUniqueNames": "uniqueMember", "posixGroup": "memberUid"}[class]
	var b strings.Builder
	fmt.Fprintf(&b, "dn: cn=%s,%s\nobjectClass: %s\ncn: %s\n", name, GroupsDN, class, name)
	if class == "posixGroup" {
		fmt.Fprintf(&b, "gidNumber: %d\n", 10000+len(name)*7+int(name[len(name)-1]))
	}
	for _, m := range members {
		fmt.Fprintf(&b, "%s: %s\n", attr, m)
	}
	b.WriteString("\n")
	return b.String()
}

// PosixPeopleLDIF is LDIF for n posixAccount (and inetOrgPerson) entries
// uid=<prefix><i> in PeopleDN, for the rfc2307 flavors.
func PosixPeopleLDIF(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		uid := fmt.Sprintf("%s%05d", prefix, i)
		fmt.Fprintf(&b, "dn: uid=%s,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nuid: %s\ncn: %s\nsn: %s\nuidNumber: %d\ngidNumber: 10000\nhomeDirectory: /home/%s\n\n",
			uid, PeopleDN, uid, uid, uid, 20000+i, uid)
	}
	return b.String()
}

// UserDN is the DN of the person uid=<uid> in PeopleDN.
func UserDN(uid string) string { return "uid=" + uid + "," + PeopleDN }
