// Package bundle builds the on-prem bundle of one connector, as
// `lumos compile-on-prem` does: the connector's binary cross-compiled alone
// (without lumos's developer commands), its metadata.toml and the licences
// of every module linked into it, in a .tar.gz (or a .zip for Windows)
// written atomically.
package bundle

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"errors"
	"fmt"
	"go/build/constraint"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lumosgo/lumos/internal/module"
)

// onPremVar is the variable of the cli package that names the connector of
// a binary built for a bundle; the binary then answers as that connector
// when run as main (the on-prem agent's name for it).
const onPremVar = module.Path + "/cli.onPremConnector"

// UsageError is a mistake in the options (an unknown target, a version
// that cannot name a bundle), as opposed to a failure while building.
type UsageError string

// Error returns the explanation.
func (e UsageError) Error() string { return string(e) }

// Options say which bundle to build.
type Options struct {
	AppID   string // the connector's app id
	Version string // the bundle's version, written into its name and metadata.toml
	// CheckVersion, when set, requires the built connector to report Version
	// (when it can be run on this machine): the version was not given by hand.
	CheckVersion bool
	// Registered says whether the running lumos knows the connector; when it
	// does not, a connector the module does not link is a UsageError.
	Registered      bool
	GOOS, GOARCH    string // the target; empty for this machine's
	OutputDirectory string // folder for the bundle; empty for ./compiled/<app_id>-<timestamp>/
	WorkDir         string // a folder inside the lumos module
	// DataFiles are files to ship beside the executable, relative to
	// WorkDir; each keeps its relative path in the archive (connector-py's
	// --data-file).
	DataFiles []string
}

// ValidVersion reports whether v may be a bundle version: it goes into a
// file name and into metadata.toml. (No regexp: compiling one at init
// would cost every start of lumos.)
func ValidVersion(v string) bool {
	if v == "" || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		alnum := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alnum && (i == 0 || !strings.ContainsRune("._+-", rune(c))) {
			return false
		}
	}
	return true
}

// Build builds the connector's binary with the Go toolchain and packages
// the bundle, writing progress to progress. It returns the archive's path.
func Build(ctx context.Context, o Options, progress io.Writer) (string, error) {
	appID, version := o.AppID, o.Version
	if !ValidVersion(version) {
		return "", UsageError(fmt.Sprintf("version %q cannot name a bundle: use letters, digits, '.', '_', '+' and '-' (set it with --connector-version)", version))
	}
	goos, goarch := o.GOOS, o.GOARCH
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("compile-on-prem needs the Go toolchain, and there is no go command on PATH (%v); install Go 1.26 or later from https://go.dev/dl/ and put its bin folder on PATH", err)
	}
	root, err := module.FindRoot(o.WorkDir)
	if err != nil {
		return "", err
	}
	tag, err := connectorTag(root, appID)
	if err != nil {
		if !o.Registered {
			return "", UsageError(fmt.Sprintf("unknown connector %q: %v", appID, err))
		}
		return "", err
	}
	if err := checkTarget(ctx, goTool, root, goos, goarch); err != nil {
		return "", err
	}
	data, err := DataFiles(o.WorkDir, o.DataFiles)
	if err != nil {
		return "", err
	}
	outDir, err := outputDirectory(o.OutputDirectory, appID)
	if err != nil {
		return "", err
	}
	stage, err := os.MkdirTemp(outDir, ".build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(stage)

	exe := "main"
	if goos == "windows" {
		exe = "main.exe"
	}
	bin := filepath.Join(stage, exe)
	ldflags := "-s -w -X " + onPremVar + "=" + appID
	tags := "custom,connectors." + tag + ",lumos_runtime" // only the connector, and none of lumos's developer commands
	args := []string{"build", "-tags", tags, "-trimpath", "-ldflags", ldflags, "-o", bin, module.Path}
	fmt.Fprintf(progress, "compile-on-prem: building %s %s for %s/%s in %s\n", appID, version, goos, goarch, root)
	fmt.Fprintf(progress, "compile-on-prem: CGO_ENABLED=0 GOOS=%s GOARCH=%s go build -tags %s -trimpath -ldflags %q -o %s %s\n",
		goos, goarch, tags, ldflags, exe, module.Path)
	build := exec.CommandContext(ctx, goTool, args...)
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	build.Stdout, build.Stderr = progress, progress
	started := time.Now()
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("go build failed (%v); its messages are above", err)
	}
	fmt.Fprintf(progress, "compile-on-prem: built %s in %.1fs\n", exe, time.Since(started).Seconds())
	if goos == runtime.GOOS && goarch == runtime.GOARCH {
		built, err := checkBinary(ctx, bin, appID, progress)
		if err != nil {
			return "", err
		}
		if built != "" && built != version && o.CheckVersion {
			return "", fmt.Errorf("the module's %s reports version %s, but this lumos binary knows it as %s: rebuild lumos (go build -o lumos . in %s), or pass --connector-version %s",
				appID, built, version, root, built)
		}
	}

	licences, count, err := thirdPartyLicences(ctx, goTool, root, bin, appID, version, exe, goos+"/"+goarch)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(progress, "compile-on-prem: wrote the licences of %d modules and of Go into THIRD_PARTY_LICENSES.txt\n", count)

	program, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	files := []File{
		{exe, program},
		{"THIRD_PARTY_LICENSES.txt", licences},
		{"metadata.toml", Metadata(appID, version)},
	}
	files = append(files, data...)
	name := appID + "-" + version + ".tar.gz"
	write := WriteTarGz
	if goos == "windows" {
		name, write = appID+"-"+version+".zip", WriteZip
	}
	archive := filepath.Join(outDir, name)
	if err := writeAtomically(archive, func(w io.Writer) error { return write(w, files, time.Now()) }); err != nil {
		return "", fmt.Errorf("writing %s: %w", archive, err)
	}
	if st, err := os.Stat(archive); err == nil {
		fmt.Fprintf(progress, "compile-on-prem: wrote %s (%.1f MB)\n", archive, float64(st.Size())/1e6)
	}
	return archive, nil
}

// outputDirectory creates the bundle's folder: dir, or by default
// ./compiled/<app_id>-<timestamp>/; it returns its absolute path.
func outputDirectory(dir, appID string) (string, error) {
	if dir == "" {
		stamp := regexp.MustCompile(`\W`).ReplaceAllString(time.Now().Format("2006-01-02T15:04:05.000000"), "-")
		dir = filepath.Join("compiled", appID+"-"+stamp)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating the output folder: %w", err)
	}
	return dir, nil
}

// connectorTag finds the build tag that links appID: the connectors.<tag>
// of the registration file in the module's connectors/ folder, where tag is
// the app id with '-' as '_' (build tags have no '-').
func connectorTag(root, appID string) (string, error) {
	want := strings.ReplaceAll(appID, "-", "_")
	files, err := filepath.Glob(filepath.Join(root, "connectors", "*.go"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		expr, err := buildConstraint(f)
		if err != nil || expr == nil {
			continue
		}
		found := false
		walkConstraint(expr, func(tag string) {
			found = found || tag == "connectors."+want
		})
		if found {
			return want, nil
		}
	}
	return "", fmt.Errorf("no file in %s declares the build tag connectors.%s; a connector is linked by connectors/%s.go starting with //go:build !custom || connectors.%s",
		filepath.Join(root, "connectors"), want, want, want)
}

// buildConstraint reads the //go:build line of a Go file, if any.
func buildConstraint(path string) (constraint.Expr, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case constraint.IsGoBuild(line):
			return constraint.Parse(line)
		case line == "" || strings.HasPrefix(line, "//"):
			continue
		}
		return nil, nil // the constraint must come before the package clause
	}
	return nil, sc.Err()
}

func walkConstraint(e constraint.Expr, f func(tag string)) {
	switch e := e.(type) {
	case *constraint.TagExpr:
		f(e.Tag)
	case *constraint.NotExpr:
		walkConstraint(e.X, f)
	case *constraint.AndExpr:
		walkConstraint(e.X, f)
		walkConstraint(e.Y, f)
	case *constraint.OrExpr:
		walkConstraint(e.X, f)
		walkConstraint(e.Y, f)
	}
}

// checkTarget checks that the toolchain knows goos/goarch.
func checkTarget(ctx context.Context, goTool, root, goos, goarch string) error {
	cmd := exec.CommandContext(ctx, goTool, "tool", "dist", "list")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil // an old or odd toolchain: let go build judge
	}
	targets := strings.Fields(string(out))
	if slices.Contains(targets, goos+"/"+goarch) {
		return nil
	}
	var same []string
	for _, t := range targets {
		if strings.HasPrefix(t, goos+"/") {
			same = append(same, strings.TrimPrefix(t, goos+"/"))
		}
	}
	if len(same) == 0 {
		return UsageError(fmt.Sprintf("unknown --os %q; Go builds for %s", goos, strings.Join(goosList(targets), ", ")))
	}
	return UsageError(fmt.Sprintf("unknown --arch %q for --os %s; Go builds %s for %s", goarch, goos, goos, strings.Join(same, ", ")))
}

func goosList(targets []string) []string {
	var out []string
	for _, t := range targets {
		if name, _, ok := strings.Cut(t, "/"); ok && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// checkBinary runs a binary built for this machine once (main --version,
// which prints "<app_id> <version> (lumos <version>)") to make sure it is
// the connector's, and returns the connector version it reports ("" when
// it could not be run here).
func checkBinary(ctx context.Context, bin, appID string, stderr io.Writer) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--version")
	cmd.Env = append(os.Environ(), "LUMOS_LOG_TO_STDOUT=true")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintf(stderr, "compile-on-prem: warning: could not run the new binary to check it: %v\n", err)
		return "", nil
	}
	fields := strings.Fields(string(out))
	if err != nil || len(fields) < 2 || fields[0] != appID {
		return "", fmt.Errorf("the built binary does not run as the connector %s: `main --version` said %q (%v)", appID, strings.TrimSpace(string(out)), err)
	}
	return fields[1], nil
}

// Metadata is the bundle's metadata.toml, which the on-prem agent reads:
// the app id with "_on_prem" and the version.
func Metadata(appID, version string) []byte {
	id := strings.TrimSuffix(appID, "_on_prem") + "_on_prem"
	return fmt.Appendf(nil, "[connector]\napp_id = %s\nversion = %s\n", tomlString(id), tomlString(version))
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// goModule is what `go list -m -json` says of a module.
type goModule struct {
	Path    string
	Version string
	Dir     string
	Replace *goModule
}

// thirdPartyLicences builds THIRD_PARTY_LICENSES.txt for bin: the modules
// recorded in its build information (exactly those linked into it) with
// the licence files of their folders in the module cache, and Go's own
// licence (the standard library and runtime are linked too). It returns
// the text and the number of modules.
func thirdPartyLicences(ctx context.Context, goTool, root, bin, appID, version, exe, target string) ([]byte, int, error) {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the build information of %s: %w", exe, err)
	}
	var deps []*debug.Module
	for _, d := range info.Deps {
		if d.Path != module.Path {
			deps = append(deps, d)
		}
	}
	slices.SortFunc(deps, func(a, b *debug.Module) int { return strings.Compare(a.Path, b.Path) })
	dirs, err := moduleDirs(ctx, goTool, root, deps)
	if err != nil {
		return nil, 0, err
	}
	var entries []licenceEntry
	for _, d := range deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		e := licenceEntry{name: d.Path, version: m.Version, dir: dirs[d.Path]}
		if d.Replace != nil {
			e.name = d.Path + " => " + m.Path
		}
		if m.Version != "" {
			e.source = "https://pkg.go.dev/" + m.Path + "@" + m.Version
		}
		entries = append(entries, e)
	}
	goroot := ""
	cmd := exec.CommandContext(ctx, goTool, "env", "GOROOT")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		goroot = strings.TrimSpace(string(out))
	}
	entries = append(entries, licenceEntry{name: "Go standard library and runtime", version: info.GoVersion, dir: goroot, source: "https://go.dev/"})
	for i := range entries {
		entries[i].findLicence()
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "THIRD-PARTY SOFTWARE AND LICENCES\n\n")
	fmt.Fprintf(&b, "%s (the connector %s %s, built for %s) is built from %s\nwith Go %s. It contains the following third-party software, whose\nlicences follow.\n\n",
		exe, appID, version, target, module.Path, info.GoVersion)
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Name\tVersion\tLicence")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.name, e.version, e.licence)
	}
	tw.Flush()
	for _, e := range entries {
		e.write(&b)
	}
	return b.Bytes(), len(deps), nil
}

// moduleDirs asks the go command where each module's source is (its folder
// in the module cache, or a replacement's).
func moduleDirs(ctx context.Context, goTool, root string, deps []*debug.Module) (map[string]string, error) {
	dirs := map[string]string{} // module path → folder
	if len(deps) == 0 {
		return dirs, nil
	}
	args := []string{"list", "-m", "-json"}
	for _, d := range deps {
		args = append(args, d.Path)
	}
	cmd := exec.CommandContext(ctx, goTool, args...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -m -json: %v\n%s", err, stderr.Bytes())
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var m goModule
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list -m -json: %w", err)
		}
		dir := m.Dir
		if m.Replace != nil && m.Replace.Dir != "" {
			dir = m.Replace.Dir
		}
		if dir != "" && !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		dirs[m.Path] = dir
	}
	return dirs, nil
}

// licenceEntry is one linked module (or Go itself) in THIRD_PARTY_LICENSES.txt.
type licenceEntry struct {
	name, version, source, dir string
	files                      []string // its licence files, in dir
	licence                    string   // what ClassifyLicence makes of them
}

// findLicence finds the entry's licence files and names their licence.
func (e *licenceEntry) findLicence() {
	if e.dir == "" {
		return
	}
	ents, err := os.ReadDir(e.dir)
	if err != nil {
		return
	}
	for _, de := range ents {
		if !de.IsDir() && isLicenceFile(de.Name()) {
			e.files = append(e.files, de.Name())
		}
	}
	var texts []string
	for _, f := range e.files {
		if b, err := os.ReadFile(filepath.Join(e.dir, f)); err == nil {
			texts = append(texts, string(b))
		}
	}
	e.licence = ClassifyLicence(strings.Join(texts, "\n"))
}

// isLicenceFile reports whether a file name is that of a licence or notice.
func isLicenceFile(name string) bool {
	upper := strings.ToUpper(name)
	for _, prefix := range []string{"LICENSE", "LICENCE", "COPYING", "NOTICE", "COPYRIGHT", "PATENTS"} {
		if strings.HasPrefix(upper, prefix) {
			return true
		}
	}
	return upper == "UNLICENSE"
}

// write appends the entry's section: its name, licence, source and the
// text of its licence files.
func (e licenceEntry) write(b *bytes.Buffer) {
	rule := strings.Repeat("=", 80)
	fmt.Fprintf(b, "\n%s\n%s %s\nLicence: %s\n", rule, e.name, e.version, e.licence)
	if e.source != "" {
		fmt.Fprintf(b, "Source: %s\n", e.source)
	}
	if len(e.files) == 0 {
		where := " " + e.dir
		if e.dir == "" {
			where = ", which is not in the module cache"
		}
		fmt.Fprintf(b, "\n(No licence file was found in the module's folder%s.)\n", where)
		return
	}
	for _, f := range e.files {
		text, err := os.ReadFile(filepath.Join(e.dir, f))
		if err != nil {
			continue
		}
		fmt.Fprintf(b, "%s\n%s:\n\n%s\n", strings.Repeat("-", 80), f, strings.TrimRight(string(text), "\n\r\t "))
	}
}

// ClassifyLicence names the licence of a licence text by its key phrases
// (an SPDX id), or says to read it.
func ClassifyLicence(text string) string {
	t := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	has := func(s ...string) bool {
		for _, x := range s {
			if !strings.Contains(t, x) {
				return false
			}
		}
		return true
	}
	switch {
	case t == "":
		return "unknown (no licence file)"
	case has("apache license", "version 2.0"):
		return "Apache-2.0"
	case has("mozilla public license", "2.0"):
		return "MPL-2.0"
	case has("permission is hereby granted, free of charge"):
		return "MIT"
	case has("permission to use, copy, modify, and/or distribute this software for any purpose"),
		has("permission to use, copy, modify, and distribute this software for any purpose"):
		return "ISC"
	case has("redistribution and use in source and binary forms") && (has("neither the name") || has("names of its contributors")):
		return "BSD-3-Clause"
	case has("redistribution and use in source and binary forms"):
		return "BSD-2-Clause"
	case has("this is free and unencumbered software released into the public domain"):
		return "Unlicense"
	case has("gnu lesser general public license"):
		return "LGPL"
	case has("gnu general public license"):
		return "GPL"
	}
	return "see the licence text below"
}

// File is one file of a bundle, at its root.
type File struct {
	Name    string // the file name
	Content []byte // the file's content
}

// Mode is the mode of every file in a bundle, as upstream (chmod 770).
const Mode = 0o770

// WriteTarGz writes files as a gzipped tar archive of regular files with
// mode Mode, modified at now.
func WriteTarGz(w io.Writer, files []File, now time.Time) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     f.Name,
			Mode:     Mode,
			Size:     int64(len(f.Content)),
			ModTime:  now.Truncate(time.Second),
			Format:   tar.FormatPAX,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(f.Content); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// WriteZip writes files as a zip archive (deflated) of files with mode
// Mode, modified at now.
func WriteZip(w io.Writer, files []File, now time.Time) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		hdr := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: now}
		hdr.SetMode(Mode)
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.Content); err != nil {
			return err
		}
	}
	return zw.Close()
}

// writeAtomically writes path through a temporary file beside it, so that
// a failure leaves no partial archive.
func writeAtomically(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// maxDataFile bounds one --data-file.
const maxDataFile = 256 << 20

// DataFiles reads the files a bundle ships beside its executable (paths
// relative to dir) as archive entries named by their relative path with
// '/'. A path must stay inside dir, name a regular file (not through a
// symbolic link as its last element) of at most 256 MiB, appear once and
// not take the name of the bundle's own files. Its errors are UsageErrors
// when a path is refused.
func DataFiles(dir string, paths []string) ([]File, error) {
	var files []File
	seen := map[string]bool{"main": true, "main.exe": true, "metadata.toml": true, "THIRD_PARTY_LICENSES.txt": true}
	for _, p := range paths {
		clean := filepath.Clean(p)
		name := filepath.ToSlash(clean)
		if p == "" || filepath.IsAbs(p) || filepath.VolumeName(p) != "" || name == "." || name == ".." || strings.HasPrefix(name, "../") {
			return nil, UsageError(fmt.Sprintf("--data-file %q: give a path relative to %s, inside it", p, dir))
		}
		if seen[name] {
			return nil, UsageError(fmt.Sprintf("--data-file %q: the bundle already has a file %s", p, name))
		}
		seen[name] = true
		full := filepath.Join(dir, clean)
		fi, err := os.Lstat(full)
		if err != nil {
			return nil, fmt.Errorf("--data-file %q: %w", p, err)
		}
		if !fi.Mode().IsRegular() {
			return nil, UsageError(fmt.Sprintf("--data-file %q: %s is not a regular file (symbolic links, folders and devices are refused)", p, full))
		}
		if fi.Size() > maxDataFile {
			return nil, UsageError(fmt.Sprintf("--data-file %q: larger than %d MiB", p, maxDataFile>>20))
		}
		content, err := os.ReadFile(full)
		if err != nil {
			return nil, fmt.Errorf("--data-file %q: %w", p, err)
		}
		files = append(files, File{Name: name, Content: content})
	}
	return files, nil
}
