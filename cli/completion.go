package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
)

// completionCommand prints a shell completion script.
type completionCommand struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish."`
}

// completionWords is what completes where: lumos's own commands and the
// connectors first, each connector's commands second, flags after that.
type completionWords struct {
	first      []string
	connectors map[string][]string // app id → info, schema and capabilities
	flags      []string
}

// gatherCompletion reads the words from the registry and the grammar's tags.
func gatherCompletion() completionWords {
	w := completionWords{connectors: map[string][]string{}}
	for word := range commandWords() {
		w.first = append(w.first, word)
	}
	for _, in := range toolkit.Integrations() {
		w.first = append(w.first, in.AppID())
		words := []string{"info", "schema"}
		for _, c := range in.Capabilities() {
			words = append(words, string(c))
		}
		w.connectors[in.AppID()] = words
	}
	sort.Strings(w.first)
	w.flags = []string{"--json", "--json-file", "--auth-file", "--settings-file", "--set", "--all",
		"--output", "--pretty", "--compact", "--fail-on-error", "--trace", "--result-file-path", "--help"}
	return w
}

// Run prints the script for the shell.
func (c completionCommand) Run(s *Streams, st *startInfo) error {
	w := gatherCompletion()
	var script string
	switch c.Shell {
	case "bash":
		script = bashCompletion(st.prog, w)
	case "zsh":
		script = zshCompletion(st.prog, w)
	default:
		script = fishCompletion(st.prog, w)
	}
	_, err := io.WriteString(s.Stdout, script)
	return err
}

// startInfo is what commands may know of how the binary was started.
type startInfo struct{ prog string }

// shellFunc is a shell function name made from the program name.
func shellFunc(prog string) string {
	return "_" + strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, prog)
}

func sortedIDs(m map[string][]string) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func bashCompletion(prog string, w completionWords) string {
	var b strings.Builder
	fn := shellFunc(prog)
	fmt.Fprintf(&b, "# bash completion for %s; load it with: source <(%s completion bash)\n", prog, prog)
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString("  local cur=${COMP_WORDS[COMP_CWORD]} words=\"\"\n")
	b.WriteString("  if [ \"$COMP_CWORD\" -eq 1 ]; then\n")
	fmt.Fprintf(&b, "    words=%q\n", strings.Join(w.first, " "))
	b.WriteString("  elif [ \"$COMP_CWORD\" -eq 2 ]; then\n    case ${COMP_WORDS[1]} in\n")
	for _, id := range sortedIDs(w.connectors) {
		fmt.Fprintf(&b, "      %s) words=%q ;;\n", id, strings.Join(w.connectors[id], " "))
	}
	b.WriteString("      completion) words=\"bash zsh fish\" ;;\n    esac\n  else\n")
	fmt.Fprintf(&b, "    words=%q\n", strings.Join(w.flags, " "))
	b.WriteString("  fi\n  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n}\n")
	fmt.Fprintf(&b, "complete -o default -F %s %s\n", fn, prog)
	return b.String()
}

func zshCompletion(prog string, w completionWords) string {
	var b strings.Builder
	fn := shellFunc(prog)
	fmt.Fprintf(&b, "#compdef %s\n# zsh completion for %s; load it with: source <(%s completion zsh)\n", prog, prog, prog)
	fmt.Fprintf(&b, "%s() {\n  local -a opts\n  if (( CURRENT == 2 )); then\n", fn)
	fmt.Fprintf(&b, "    opts=(%s)\n", strings.Join(w.first, " "))
	b.WriteString("  elif (( CURRENT == 3 )); then\n    case ${words[2]} in\n")
	for _, id := range sortedIDs(w.connectors) {
		fmt.Fprintf(&b, "      %s) opts=(%s) ;;\n", id, strings.Join(w.connectors[id], " "))
	}
	b.WriteString("      completion) opts=(bash zsh fish) ;;\n    esac\n  else\n")
	fmt.Fprintf(&b, "    opts=(%s)\n", strings.Join(w.flags, " "))
	b.WriteString("  fi\n  compadd -- $opts\n}\n")
	fmt.Fprintf(&b, "compdef %s %s\n", fn, prog)
	return b.String()
}

func fishCompletion(prog string, w completionWords) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# fish completion for %s; load it with: %s completion fish | source\n", prog, prog)
	fmt.Fprintf(&b, "complete -c %s -f -n 'test (count (commandline -opc)) -eq 1' -a '%s'\n", prog, strings.Join(w.first, " "))
	for _, id := range sortedIDs(w.connectors) {
		fmt.Fprintf(&b, "complete -c %s -f -n 'test (count (commandline -opc)) -eq 2; and __fish_seen_subcommand_from %s' -a '%s'\n",
			prog, id, strings.Join(w.connectors[id], " "))
	}
	fmt.Fprintf(&b, "complete -c %s -f -n 'test (count (commandline -opc)) -eq 2; and __fish_seen_subcommand_from completion' -a 'bash zsh fish'\n", prog)
	for _, f := range w.flags {
		fmt.Fprintf(&b, "complete -c %s -n 'test (count (commandline -opc)) -ge 3' -l %s\n", prog, strings.TrimPrefix(f, "--"))
	}
	return b.String()
}
