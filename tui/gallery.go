package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// galleryState is the gallery: the scenarios to pick from.
type galleryState struct {
	entries []Entry
	sel     int
	loading string // name of the entry being loaded, or ""
	err     string
	scroll  int // first line of the about text shown (pgdn/pgup)
}

func (m *Model) galleryKey(msg tea.KeyPressMsg) tea.Cmd {
	g := &m.gallery
	k := &m.gkeys
	switch {
	case key.Matches(msg, k.Quit):
		if msg.String() == "esc" && m.run != nil {
			// back to the run that was open
			m.screen = screenRun
			return m.ensureTicking()
		}
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.help = true
	case key.Matches(msg, k.Up):
		if g.sel > 0 {
			g.sel, g.scroll = g.sel-1, 0
		}
	case key.Matches(msg, k.Down):
		if g.sel < len(g.entries)-1 {
			g.sel, g.scroll = g.sel+1, 0
		}
	case key.Matches(msg, k.More):
		g.scroll += max(m.height/2, 1) // clamped when drawn
	case key.Matches(msg, k.Less):
		g.scroll = max(g.scroll-max(m.height/2, 1), 0)
	case key.Matches(msg, k.Open):
		if len(g.entries) == 0 || g.loading != "" {
			return nil
		}
		e := g.entries[g.sel]
		g.loading, g.err = e.Name, ""
		return func() tea.Msg {
			s, err := e.Load()
			return loadedMsg{name: e.Name, scen: s, err: err}
		}
	}
	return nil
}

// viewGallery renders the gallery: a list of titles on the left, the
// chosen scenario's about text on the right (below, when narrow).
func (m *Model) viewGallery() string {
	w, h := max(m.width, 20), max(m.height, 5)
	g := &m.gallery
	var b strings.Builder
	b.WriteString(titleStyle.Render("stampede") + dim.Render(" · pick a scenario to explore") + "\n\n")
	if len(g.entries) == 0 {
		b.WriteString("No scenarios. Give a file: stampede tui FILE.toml\n")
		return fitBlock(b.String(), w, h)
	}
	listW := 0
	for _, e := range g.entries {
		listW = max(listW, lipgloss.Width(entryLabel(e)))
	}
	listW = min(listW+4, max(w/2, 24), w)
	var list []string
	for i, e := range g.entries {
		line := "  " + entryLabel(e)
		if i == g.sel {
			line = selStyle.Render("▸ " + entryLabel(e))
		}
		list = append(list, truncate(line, listW))
	}
	e := g.entries[g.sel]
	var about []string
	title := e.Title
	if title == "" {
		title = e.Name
	}
	aboutW := w - listW - 2
	below := aboutW < 30
	if below {
		aboutW = w
	}
	for _, l := range wrap(title, aboutW) {
		about = append(about, bold.Render(l))
	}
	about = append(about, dim.Render(e.Name), "")
	about = append(about, wrap(e.About, aboutW)...)
	about = append(about, "")
	for _, l := range wrap("enter: run it · ↑/↓: choose · ?: help · q: quit", aboutW) {
		about = append(about, dim.Render(l))
	}
	if g.loading != "" {
		about = append(about, "", "loading "+g.loading+"…")
	}
	if g.err != "" {
		about = append(about, "")
		for _, l := range wrap(g.err, aboutW) {
			about = append(about, errStyle.Render(l))
		}
	}
	body := h - 2
	if below {
		nList := min(len(list), max(body/2, 1))
		start := max(0, min(g.sel-nList/2, len(list)-nList))
		b.WriteString(strings.Join(list[start:start+nList], "\n") + "\n\n")
		b.WriteString(strings.Join(scrolled(about, &g.scroll, body-nList-1), "\n"))
		return fitBlock(b.String(), w, h)
	}
	about = scrolled(about, &g.scroll, body)
	start := 0
	if len(list) > body {
		start = max(0, min(g.sel-body/2, len(list)-body))
		list = list[start : start+body]
	}
	left := lipgloss.NewStyle().Width(listW).Render(strings.Join(list, "\n"))
	for i, l := range about {
		about[i] = truncate(l, aboutW)
	}
	right := strings.Join(about, "\n")
	b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, left, "  ", right))
	return fitBlock(b.String(), w, h)
}

func entryLabel(e Entry) string {
	if e.Title != "" && e.Title != e.Name {
		return e.Title
	}
	return e.Name
}

// scrolled returns the n lines of text shown from line *from (clamped,
// and stored back, so that scrolling past the end stops there), with a
// last line saying there is more below, or a first saying there is more
// above.
func scrolled(text []string, from *int, n int) []string {
	if n <= 0 || len(text) <= n {
		*from = 0
		return text
	}
	*from = max(0, min(*from, len(text)-n))
	out := slices.Clone(text[*from:min(*from+n, len(text))])
	if *from > 0 {
		out[0] = dim.Render("↑ more above: pgup/K")
	}
	if *from+n < len(text) {
		out[len(out)-1] = dim.Render("↓ more below: pgdn/J")
	}
	return out
}
