package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestTutorial walks docs/TUTORIAL.md as a reader does, in an empty
// directory: every ```toml block whose first line is `# FILE` is saved as
// FILE; every command of a ```sh block is run (a `> FILE` at its end
// saves its output; `# exit N` says the exit code it must give, 0
// otherwise); the plain ``` block right after a ```sh block must hold
// what its commands print (standard output, then standard error); and
// every figure the page shows, docs/img/tutorial/NAME.png, must be the
// NAME.png its commands drew. -update rewrites the pasted outputs and the
// figures (with STAMPEDE_LONG=1: the walk is one of the long validations).
func TestTutorial(t *testing.T) {
	long(t, "runs the tutorial's scenarios, about 10 s")
	docs, err := filepath.Abs(filepath.Join("..", "..", "docs"))
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(docs, "TUTORIAL.md")
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	blocks := fencedBlocks(string(src))
	t.Chdir(t.TempDir())
	var edits []tutorialEdit
	commands := 0
	for i, b := range blocks {
		switch b.info {
		case "toml":
			name, ok := strings.CutPrefix(strings.SplitN(b.body, "\n", 2)[0], "# ")
			if !ok || strings.ContainsAny(name, " /") {
				continue
			}
			if err := os.WriteFile(name, []byte(b.body), 0o644); err != nil {
				t.Fatal(err)
			}
		case "sh":
			var got strings.Builder
			for _, line := range strings.Split(strings.TrimSuffix(b.body, "\n"), "\n") {
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				commands++
				got.WriteString(tutorialRun(t, b.line, line))
			}
			if i+1 < len(blocks) && blocks[i+1].info == "" && blocks[i+1].after(b) {
				out := blocks[i+1]
				if *update {
					edits = append(edits, tutorialEdit{out.start, out.end, got.String()})
				} else if out.body != got.String() {
					t.Errorf("docs/TUTORIAL.md:%d: the output pasted under `%s` is stale (STAMPEDE_LONG=1 go test ./cmd/stampede -run TestTutorial -update); today it is:\n%s",
						out.line, strings.TrimSpace(b.body), got.String())
				}
			}
		}
	}
	if commands < 10 {
		t.Fatalf("docs/TUTORIAL.md: %d commands found; the page lost its ```sh blocks", commands)
	}
	figures := regexp.MustCompile(`\]\(img/tutorial/([a-z0-9-]+\.png)\)`).FindAllStringSubmatch(string(src), -1)
	if len(figures) < 3 {
		t.Errorf("docs/TUTORIAL.md shows %d figures from img/tutorial/, want one a step", len(figures))
	}
	for _, m := range figures {
		tutorialFigure(t, filepath.Join(docs, "img", "tutorial", m[1]), m[1])
	}
	if *update && len(edits) > 0 {
		var b strings.Builder
		last := 0
		for _, e := range edits {
			b.WriteString(string(src[last:e.start]))
			b.WriteString(e.text)
			last = e.end
		}
		b.WriteString(string(src[last:]))
		if err := os.WriteFile(page, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// tutorialEdit replaces src[start:end] with text.
type tutorialEdit struct {
	start, end int
	text       string
}

// tutorialRun runs one command line of the tutorial and returns what it
// printed.
func tutorialRun(t *testing.T, at int, line string) string {
	t.Helper()
	cmd, want := line, 0
	if i := strings.Index(cmd, "# exit "); i >= 0 {
		n, err := strconv.Atoi(strings.TrimSpace(cmd[i+len("# exit "):]))
		if err != nil {
			t.Fatalf("docs/TUTORIAL.md:%d: %q: bad exit comment", at, line)
		}
		cmd, want = cmd[:i], n
	}
	cmd, redirect, _ := strings.Cut(cmd, ">")
	args := strings.Fields(cmd)
	if len(args) == 0 || args[0] != "stampede" {
		t.Fatalf("docs/TUTORIAL.md:%d: %q: every command of the tutorial runs stampede", at, line)
	}
	code, out, errOut := stampede(t, args[1:]...)
	if code != want {
		t.Errorf("docs/TUTORIAL.md:%d: %s: exit %d, want %d\n%s%s", at, line, code, want, out, errOut)
	}
	if f := strings.TrimSpace(redirect); f != "" {
		if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		out = ""
	}
	return out + errOut
}

// tutorialFigure holds the figure the page shows to the one its commands
// drew: the same size, and nearly every pixel the same (a figure whose
// data moved differs in far more pixels; a different platform's
// floating-point rounding only in a few).
func tutorialFigure(t *testing.T, shown, drawn string) {
	t.Helper()
	fresh, err := os.ReadFile(drawn)
	if err != nil {
		t.Errorf("docs/TUTORIAL.md shows img/tutorial/%s, which no command of the page draws", drawn)
		return
	}
	if *update {
		if err := os.WriteFile(shown, fresh, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(shown)
	if err != nil {
		t.Errorf("%v (STAMPEDE_LONG=1 go test ./cmd/stampede -run TestTutorial -update)", err)
		return
	}
	if bytes.Equal(old, fresh) {
		return
	}
	a, errA := png.Decode(bytes.NewReader(old))
	b, errB := png.Decode(bytes.NewReader(fresh))
	if errA != nil || errB != nil {
		t.Fatalf("%s: %v %v", drawn, errA, errB)
	}
	if a.Bounds() != b.Bounds() {
		t.Errorf("docs/img/tutorial/%s is %v, the page's command draws %v (-update)", drawn, a.Bounds().Size(), b.Bounds().Size())
		return
	}
	if f := pixelsDiffering(a, b); f > 0.002 {
		t.Errorf("docs/img/tutorial/%s is stale: %.2f%% of its pixels differ from what the page's command draws (-update)", drawn, 100*f)
	}
}

func pixelsDiffering(a, b image.Image) float64 {
	r := a.Bounds()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

// fencedBlock is one ``` block of a Markdown page: its info string, its
// body, the byte range of the body in the page, and its line.
type fencedBlock struct {
	info       string
	body       string
	start, end int
	line       int
	// open is the offset of its opening fence.
	open int
	// close is the offset just past its closing fence line.
	close int
	page  *string
}

// after reports whether b starts right after prev, with only blank lines
// between.
func (b fencedBlock) after(prev fencedBlock) bool {
	return strings.TrimSpace((*b.page)[prev.close:b.open]) == ""
}

func fencedBlocks(src string) []fencedBlock {
	var out []fencedBlock
	off, line := 0, 1
	var cur *fencedBlock
	for _, l := range strings.SplitAfter(src, "\n") {
		trimmed := strings.TrimRight(l, "\n")
		if strings.HasPrefix(trimmed, "```") {
			if cur == nil {
				cur = &fencedBlock{info: strings.TrimSpace(trimmed[3:]), start: off + len(l), line: line + 1, open: off, page: &src}
			} else {
				cur.end = off
				cur.body = src[cur.start:cur.end]
				cur.close = off + len(l)
				out = append(out, *cur)
				cur = nil
			}
		}
		off += len(l)
		line++
	}
	if cur != nil {
		panic(fmt.Sprintf("docs/TUTORIAL.md:%d: a ``` block is not closed", cur.line))
	}
	return out
}
