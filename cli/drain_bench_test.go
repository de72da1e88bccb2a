package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// BenchmarkDrainAll drains list_accounts of a 100,000-account mock tenant
// in pages of 1,000 three ways, in the same run:
//
//   - all-ms: one process, `lumos mock list_accounts --all`, its NDJSON read
//     line by line from a pipe;
//   - pages-ms: one process per page, following the page tokens, as a shell
//     loop did before --all;
//   - loop-ms: the baseline, an in-process loop of Integration.Dispatch over
//     the same pages, each page decoded.
//
// ratio is all-ms / loop-ms: what the command line adds to the pipeline
// (one process start, re-encoding every item as a line).
//
//	go test ./cli -run '^$' -bench DrainAll -benchtime 3x
func BenchmarkDrainAll(b *testing.B) {
	const accounts, size = 100_000, 1000
	bin := filepath.Join(lumosBinary(b), "lumos")
	in, ok := toolkit.Lookup("mock")
	if !ok {
		b.Fatal("the mock connector is not registered")
	}
	req := func(token string) string {
		page := `{"size":` + strconv.Itoa(size)
		if token != "" {
			page += `,"token":"` + token + `"`
		}
		return `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"h","tenant_size":` +
			strconv.Itoa(accounts) + `},"page":` + page + `}}`
	}
	type envelope struct {
		Response []json.RawMessage `json:"response"`
		Page     *toolkit.Page     `json:"page"`
	}
	var allTime, pagesTime, loopTime time.Duration
	for b.Loop() {
		start := time.Now()
		cmd := exec.Command(bin, "mock", "list_accounts", "--all", "--json", req(""))
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		lines := 0
		for sc.Scan() {
			lines++
		}
		if err := cmd.Wait(); err != nil || lines != accounts {
			b.Fatalf("--all: %d lines, %v", lines, err)
		}
		allTime += time.Since(start)

		start = time.Now()
		got, token := 0, ""
		for {
			doc, err := exec.Command(bin, "mock", "list_accounts", "--json", req(token)).Output()
			var env envelope
			if err != nil || json.Unmarshal(doc, &env) != nil {
				b.Fatalf("page: %v", err)
			}
			got += len(env.Response)
			if env.Page == nil {
				break
			}
			token = env.Page.Token
		}
		if got != accounts {
			b.Fatalf("pages: %d accounts", got)
		}
		pagesTime += time.Since(start)

		start = time.Now()
		got, token = 0, ""
		for {
			var env envelope
			if err := json.Unmarshal(in.Dispatch(context.Background(), "list_accounts", []byte(req(token))), &env); err != nil {
				b.Fatal(err)
			}
			got += len(env.Response)
			if env.Page == nil {
				break
			}
			token = env.Page.Token
		}
		if got != accounts {
			b.Fatalf("loop: %d accounts", got)
		}
		loopTime += time.Since(start)
	}
	b.ReportMetric(float64(allTime)/float64(loopTime), "ratio")
	b.ReportMetric(float64(allTime.Milliseconds())/float64(b.N), "all-ms")
	b.ReportMetric(float64(pagesTime.Milliseconds())/float64(b.N), "pages-ms")
	b.ReportMetric(float64(loopTime.Milliseconds())/float64(b.N), "loop-ms")
}
