package tui

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/stampede-sim/stampede/plots"
)

// Styles. Variants take the plots' colours (Okabe-Ito, colour-blind safe),
// so that a variant has the same colour in the TUI and in its figures.
var (
	titleStyle = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#E69F00"))
	bold       = lipgloss.NewStyle().Bold(true)
	dim        = lipgloss.NewStyle().Foreground(lipgloss.Color("#8A8A8A"))
	selStyle   = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#56B4E9"))
	errStyle   = lipgloss.NewStyle().Foreground(lipgloss.Color("#D55E00"))
	okStyle    = lipgloss.NewStyle().Foreground(lipgloss.Color("#009E73"))
	faultStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("#D55E00"))
	axisStyle  = lipgloss.NewStyle().Foreground(lipgloss.Color("#6C6C6C"))
	greyLine   = lipgloss.NewStyle().Foreground(lipgloss.Color("#9E9E9E"))
	cursorLine = lipgloss.NewStyle().Foreground(lipgloss.Color("#F0E442"))
	keyStyle   = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#56B4E9"))
	faultShade = lipgloss.Color("#3A1F14")
)

// variantColor returns the colour of the i-th variant. Blue, the plots'
// first colour, is too dark on a black terminal, so it is lightened.
func variantColor(i int) color.Color {
	c := plots.VariantColor(i)
	if i%8 == 0 {
		return lipgloss.Color("#3D9BE0")
	}
	if i%8 == 6 { // black
		return lipgloss.Color("#D0D0D0")
	}
	return c
}

func variantStyle(i int) lipgloss.Style {
	return lipgloss.NewStyle().Foreground(variantColor(i))
}

// truncate cuts a (possibly styled) line to w cells.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// fitBlock crops a block of lines to w columns and h lines.
func fitBlock(s string, w, h int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = truncate(l, w)
	}
	return strings.Join(lines, "\n")
}

// wrap word-wraps plain text to w columns, keeping paragraphs.
func wrap(s string, w int) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	w = max(w, 10)
	var out []string
	for i, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		para = strings.Join(strings.Fields(para), " ")
		if para == "" {
			continue
		}
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, strings.Split(ansi.Wrap(para, w, ""), "\n")...)
	}
	return out
}

// padRight pads a (possibly styled) string with spaces to w cells.
func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
