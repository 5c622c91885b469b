package main

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/scenarios"
)

// The docs are held to the binary: every list of built-ins, every command
// in README.md and docs/*.md, and (under STAMPEDE_LONG) every pasted
// output.

// docFiles are the Markdown files a user reads.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join("..", "..", "README.md")}, files...)
}

// block is a fenced code block of a Markdown file.
type block struct {
	file string
	line int // of the opening fence
	body []string
	// next is the block right after this one when only blank lines and
	// HTML lines (<details>, <summary>) separate them.
	next *block
}

// blocks returns the fenced code blocks of a Markdown file, linked to the
// block that follows each when nothing but blank or HTML lines lie between.
func blocks(t *testing.T, file string) []*block {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []*block
	var cur *block
	var prev *block // the last closed block, while only blank/HTML lines follow it
	for i, l := range strings.Split(string(src), "\n") {
		switch {
		case cur != nil && strings.HasPrefix(l, "```"):
			out = append(out, cur)
			prev, cur = cur, nil
		case cur != nil:
			cur.body = append(cur.body, l)
		case strings.HasPrefix(l, "```"):
			cur = &block{file: file, line: i + 1}
			if prev != nil {
				prev.next = cur
			}
			prev = nil
		case strings.TrimSpace(l) != "" && !strings.HasPrefix(strings.TrimSpace(l), "<"):
			prev = nil
		}
	}
	return out
}

// command is a stampede command found in the docs.
type command struct {
	where string
	args  []string // after "stampede"
	pipe  string   // what its output is piped to, if anything
}

var commandStart = regexp.MustCompile(`^\s*(?:\$ )?(?:go run \./cmd/stampede|stampede)(?:\s|$)`)

// commands returns the stampede commands in a block: one a line, with
// lines ending in \ continued, and a pipeline running to the end of the
// block (a jq program over several lines).
func (b *block) commands() []command {
	var out []command
	for i := 0; i < len(b.body); i++ {
		l := b.body[i]
		if !commandStart.MatchString(l) || strings.HasPrefix(strings.TrimSpace(l), "stampede ·") {
			continue
		}
		where := filepath.Base(b.file) + ":" + lineNo(b.line+1+i)
		text := l
		for strings.HasSuffix(strings.TrimSpace(text), `\`) && i+1 < len(b.body) {
			i++
			text = strings.TrimSuffix(strings.TrimSpace(text), `\`) + " " + strings.TrimSpace(b.body[i])
		}
		words, rest := shellWords(commandStart.ReplaceAllString(text, ""))
		if len(words) == 0 {
			words = []string{"tui"} // stampede alone opens the terminal UI
		}
		if strings.HasSuffix(words[0], ":") {
			continue // a message ("stampede fit: warning ..."), not a command
		}
		c := command{where: where, args: words}
		if strings.HasPrefix(rest, "|") {
			c.pipe = strings.Join(append([]string{rest[1:]}, b.body[i+1:]...), "\n")
			i = len(b.body)
		}
		out = append(out, c)
	}
	return out
}

func lineNo(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}

// shellWords splits a command line into words (with '...' and "..."
// quoting) up to the first unquoted |, >, # or ;, and returns the rest
// from there.
func shellWords(s string) ([]string, string) {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case strings.ContainsRune("|>#;", r):
			if inWord {
				words = append(words, w.String())
			}
			return words, strings.TrimSpace(s[i:])
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, ""
}

// docCommands returns every stampede command in the fenced blocks of the
// docs, with the blocks they are in.
func docCommands(t *testing.T) (cmds []command, in []*block) {
	t.Helper()
	for _, f := range docFiles(t) {
		for _, b := range blocks(t, f) {
			for _, c := range b.commands() {
				cmds = append(cmds, c)
				in = append(in, b)
			}
		}
	}
	return cmds, in
}

// TestDocsCommands parses every stampede command in the docs' code blocks
// as the binary would (a real command, real flags, valid values) without
// running it, and checks that what names a scenario names a built-in or a
// file.
func TestDocsCommands(t *testing.T) {
	cmds, _ := docCommands(t)
	if len(cmds) < 30 {
		t.Fatalf("found %d commands in the docs; the parser of code blocks is broken", len(cmds))
	}
	builtins := scenarios.BuiltinNames()
	for _, c := range cmds {
		var parsed cli
		p, err := newParser(&parsed, io.Discard, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		args := make([]string, len(c.args))
		for i, a := range c.args {
			// An environment variable ($SLURM_ARRAY_TASK_ID) stands for a
			// number or a path: 1 is both.
			args[i] = os.Expand(a, func(string) string { return "1" })
		}
		if _, err := p.Parse(args); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: stampede %s: %v", c.where, strings.Join(c.args, " "), err)
			continue
		}
		var names []string
		names = append(names, parsed.Run.Scenarios...)
		names = append(names, parsed.Check.Scenarios...)
		names = append(names, parsed.Validate.Files...)
		names = append(names, parsed.Plot.Input, parsed.Show.Name, parsed.Tui.Scenario)
		for _, n := range names {
			if n == "" || strings.ContainsAny(n, "./") {
				continue // a file or a directory
			}
			if !slices.Contains(builtins, n) {
				t.Errorf("%s: stampede %s: %q is not a built-in scenario", c.where, strings.Join(c.args, " "), n)
			}
		}
	}
}

// inlineCommand is a command in running text: `stampede run --out DIR`.
var inlineCommand = regexp.MustCompile("`stampede\\s+([a-z]+)((?:\\s+[^`]*)?)`")

// TestDocsInlineCommands checks the commands named in running text: a
// real subcommand, and flags that it has (placeholders such as NAME and
// FILE stand for values).
func TestDocsInlineCommands(t *testing.T) {
	var c cli
	p, err := newParser(&c, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string][]string{}
	for _, n := range p.Model.Children {
		for _, group := range n.AllFlags(false) {
			for _, f := range group {
				flags[n.Name] = append(flags[n.Name], "--"+f.Name)
				if neg := f.Tag.Negatable; neg != "" { // negatable:"" is --no-NAME
					if neg == "_" {
						neg = "no-" + f.Name
					}
					flags[n.Name] = append(flags[n.Name], "--"+neg)
				}
				if f.Short != 0 {
					flags[n.Name] = append(flags[n.Name], "-"+string(f.Short))
				}
			}
		}
	}
	seen := 0
	for _, f := range docFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range inlineCommand.FindAllStringSubmatch(string(src), -1) {
			seen++
			sub := m[1]
			known, ok := flags[sub]
			if !ok {
				t.Errorf("%s: `stampede %s%s`: no command %q", filepath.Base(f), sub, m[2], sub)
				continue
			}
			for _, w := range strings.Fields(m[2]) {
				name, _, _ := strings.Cut(w, "=")
				if strings.HasPrefix(name, "-") && !slices.Contains(known, name) {
					t.Errorf("%s: `stampede %s%s`: stampede %s has no flag %s", filepath.Base(f), sub, m[2], sub, name)
				}
			}
		}
	}
	if seen < 20 {
		t.Errorf("found %d commands in running text; the pattern is broken", seen)
	}
}

// TestDocsBuiltinLists holds the lists of built-ins to `stampede list`:
// README.md's list is its output, and docs/GALLERY.md has a section for
// every built-in and none for a scenario that is not one.
func TestDocsBuiltinLists(t *testing.T) {
	code, list, errOut := stampede(t, "list")
	if code != 0 {
		t.Fatalf("stampede list: exit %d: %s", code, errOut)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```\n"+list+"```\n") {
		t.Errorf("README.md's list of built-in scenarios is not the output of stampede list; paste this:\n%s", list)
	}
	gallery, err := os.ReadFile(filepath.Join("..", "..", "docs", "GALLERY.md"))
	if err != nil {
		t.Fatal(err)
	}
	var sections []string
	for _, l := range strings.Split(string(gallery), "\n") {
		if name, ok := strings.CutPrefix(l, "## "); ok {
			sections = append(sections, name)
		}
	}
	builtins := scenarios.BuiltinNames()
	for _, n := range builtins {
		if !slices.Contains(sections, n) {
			t.Errorf("docs/GALLERY.md has no section for the built-in %s", n)
		}
	}
	for _, s := range sections {
		if !slices.Contains(builtins, s) {
			t.Errorf("docs/GALLERY.md has a section for %s, which is not a built-in", s)
		}
	}
}

// TestDocsPastedOutputs runs every command of the docs whose output is
// pasted (in the block right after it, or after a "$ " line in the same
// block) and compares. Pipelines run through sh (they need jq and
// column).
func TestDocsPastedOutputs(t *testing.T) {
	long(t, "runs every command whose output the docs paste")
	cmds, in := docCommands(t)
	checked := 0
	for i, c := range cmds {
		b := in[i]
		switch filepath.Base(b.file) {
		case "TUTORIAL.md":
			continue // its commands need its files: TestTutorial runs them
		case "CALIBRATION.md":
			continue // its scenarios are fitted from a real run of cmd/testbed, which no test can replay byte for byte
		}
		var pasted string
		first := strings.TrimSpace(b.body[0])
		switch {
		case strings.HasPrefix(first, "$ "):
			pasted = strings.Join(b.body[1:], "\n") + "\n"
		case b.next != nil && len(b.commands()) > 0 && b.commands()[0].where == c.where && len(b.next.commands()) == 0:
			pasted = strings.Join(b.next.body, "\n") + "\n"
		default:
			continue
		}
		if c.args[0] != "run" {
			continue
		}
		code, out, errOut := stampede(t, c.args...)
		if code != 0 {
			t.Errorf("%s: stampede %s: exit %d: %s", c.where, strings.Join(c.args, " "), code, errOut)
			continue
		}
		if c.pipe != "" {
			if missing := missingTool("sh", "jq", "column"); missing != "" {
				t.Logf("%s: not checked: no %s here", c.where, missing)
				continue
			}
			sh := exec.Command("sh", "-c", c.pipe)
			sh.Stdin = strings.NewReader(out)
			var stdout bytes.Buffer
			sh.Stdout = &stdout
			sh.Stderr = os.Stderr
			if err := sh.Run(); err != nil {
				t.Errorf("%s: | %s: %v", c.where, c.pipe, err)
				continue
			}
			out = stdout.String()
		}
		checked++
		if out != pasted {
			t.Errorf("%s: the pasted output of `stampede %s` is stale; paste this:\n%s", c.where, strings.Join(c.args, " "), out)
		}
	}
	if checked < 20 {
		t.Errorf("checked %d pasted outputs; the parser of code blocks is broken", checked)
	}
}

// missingTool returns the first of tools not on the PATH, or "".
func missingTool(tools ...string) string {
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			return tool
		}
	}
	return ""
}
