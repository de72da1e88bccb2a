package serve

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// runtimeCollector reports the Go runtime and the process under the names
// Prometheus's Go client uses (go_*, process_*), read at scrape time from
// the runtime and from /proc. Where /proc is missing (not Linux) the
// process_* families are left out rather than guessed.
type runtimeCollector struct {
	proc string // the proc file system's root, "/proc"

	startOnce sync.Once
	start     float64 // process start, seconds since the epoch; 0 if unknown
}

// clockTicks is the unit of the times in /proc/<pid>/stat (USER_HZ), 100 on
// every Linux architecture Go supports.
const clockTicks = 100

func (c *runtimeCollector) collect(dst []family) []family {
	dst = c.collectGo(dst)
	return c.collectProcess(dst)
}

func single(name, help, kind string, v float64) family {
	return family{name, help, kind, []sample{{value: v}}}
}

func (c *runtimeCollector) collectGo(dst []family) []family {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	threads, _ := runtime.ThreadCreateProfile(nil)
	lastGC := float64(ms.LastGC) / float64(time.Second)
	dst = append(dst,
		single("go_goroutines", "Goroutines that exist now.", kindGauge, float64(runtime.NumGoroutine())),
		single("go_threads", "OS threads the runtime has created.", kindGauge, float64(threads)),
		single("go_sched_gomaxprocs_threads", "GOMAXPROCS: OS threads that may run Go code at once.", kindGauge, float64(runtime.GOMAXPROCS(0))),
		family{"go_info", "The Go version the binary was built with.", kindGauge,
			[]sample{{labels: []labelPair{{"version", runtime.Version()}}, value: 1}}},
		single("go_memstats_alloc_bytes", "Bytes of heap objects allocated and not yet freed.", kindGauge, float64(ms.Alloc)),
		single("go_memstats_alloc_bytes_total", "Bytes allocated for heap objects since the process started, freed or not.", kindCounter, float64(ms.TotalAlloc)),
		single("go_memstats_sys_bytes", "Bytes of memory the runtime obtained from the OS.", kindGauge, float64(ms.Sys)),
		single("go_memstats_mallocs_total", "Heap objects allocated since the process started.", kindCounter, float64(ms.Mallocs)),
		single("go_memstats_frees_total", "Heap objects freed since the process started.", kindCounter, float64(ms.Frees)),
		single("go_memstats_heap_alloc_bytes", "Bytes of heap objects allocated and not yet freed (as go_memstats_alloc_bytes).", kindGauge, float64(ms.HeapAlloc)),
		single("go_memstats_heap_sys_bytes", "Bytes of heap memory obtained from the OS.", kindGauge, float64(ms.HeapSys)),
		single("go_memstats_heap_idle_bytes", "Bytes of heap spans holding no object.", kindGauge, float64(ms.HeapIdle)),
		single("go_memstats_heap_inuse_bytes", "Bytes of heap spans holding at least one object.", kindGauge, float64(ms.HeapInuse)),
		single("go_memstats_heap_released_bytes", "Bytes of heap memory returned to the OS.", kindGauge, float64(ms.HeapReleased)),
		single("go_memstats_heap_objects", "Heap objects allocated and not yet freed.", kindGauge, float64(ms.HeapObjects)),
		single("go_memstats_stack_inuse_bytes", "Bytes of stack spans in use.", kindGauge, float64(ms.StackInuse)),
		single("go_memstats_stack_sys_bytes", "Bytes of stack memory obtained from the OS.", kindGauge, float64(ms.StackSys)),
		single("go_memstats_next_gc_bytes", "Heap size at which the next garbage collection starts.", kindGauge, float64(ms.NextGC)),
		single("go_memstats_last_gc_time_seconds", "When the last garbage collection finished, in seconds since the epoch (0: none yet).", kindGauge, lastGC),
	)
	return dst
}

func (c *runtimeCollector) collectProcess(dst []family) []family {
	stat, ok := c.selfStat()
	if ok {
		cpu := float64(stat.utime+stat.stime) / clockTicks
		dst = append(dst,
			single("process_cpu_seconds_total", "User and system CPU time the process has used, in seconds.", kindCounter, cpu),
			single("process_virtual_memory_bytes", "Virtual memory size of the process in bytes.", kindGauge, float64(stat.vsize)),
			single("process_resident_memory_bytes", "Resident memory size of the process in bytes.", kindGauge, float64(stat.rss*int64(os.Getpagesize()))),
		)
	}
	if start := c.startTime(stat, ok); start > 0 {
		dst = append(dst, single("process_start_time_seconds", "When the process started, in seconds since the epoch.", kindGauge, start))
	}
	if n, ok := c.openFDs(); ok {
		dst = append(dst, single("process_open_fds", "File descriptors the process has open.", kindGauge, float64(n)))
	}
	if n, ok := c.maxFDs(); ok {
		dst = append(dst, single("process_max_fds", "Most file descriptors the process may open (the soft limit).", kindGauge, float64(n)))
	}
	return dst
}

// procStat is what the metrics use of /proc/self/stat.
type procStat struct {
	utime, stime int64 // clock ticks
	startTicks   int64 // clock ticks after boot
	vsize        int64 // bytes
	rss          int64 // pages
}

// selfStat reads /proc/self/stat. Its fields are counted after the command
// name's closing parenthesis, which the name itself may contain.
func (c *runtimeCollector) selfStat() (procStat, bool) {
	b, err := os.ReadFile(c.proc + "/self/stat")
	if err != nil {
		return procStat{}, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 22 { // f[0] is field 3 (state); field n is f[n-3]
		return procStat{}, false
	}
	var s procStat
	var bad bool
	num := func(k int) int64 {
		v, err := strconv.ParseInt(f[k], 10, 64)
		bad = bad || err != nil
		return v
	}
	s.utime, s.stime, s.startTicks, s.vsize, s.rss = num(11), num(12), num(19), num(20), num(21)
	return s, !bad
}

// startTime is the process start: the boot time of /proc/stat plus the
// start of /proc/self/stat, read once (neither changes).
func (c *runtimeCollector) startTime(stat procStat, ok bool) float64 {
	if !ok {
		return 0
	}
	c.startOnce.Do(func() {
		b, err := os.ReadFile(c.proc + "/stat")
		if err != nil {
			return
		}
		for line := range strings.Lines(string(b)) {
			if rest, found := strings.CutPrefix(line, "btime "); found {
				if boot, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64); err == nil {
					c.start = float64(boot) + float64(stat.startTicks)/clockTicks
				}
				return
			}
		}
	})
	return c.start
}

// openFDs counts the entries of /proc/self/fd.
func (c *runtimeCollector) openFDs() (int, bool) {
	d, err := os.Open(c.proc + "/self/fd")
	if err != nil {
		return 0, false
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return 0, false
	}
	return len(names) - 1, true // less the descriptor reading the directory
}

// maxFDs is the soft limit of "Max open files" in /proc/self/limits.
func (c *runtimeCollector) maxFDs() (int64, bool) {
	b, err := os.ReadFile(c.proc + "/self/limits")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(b)) {
		if rest, found := strings.CutPrefix(line, "Max open files"); found {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0, false
			}
			n, err := strconv.ParseInt(f[0], 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}
