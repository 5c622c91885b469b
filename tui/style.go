package tui

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Styles. Variants take a palette of their own (variantColors): the
// figures' Okabe-Ito hues where a terminal can show them apart.
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

// variantColors are the variants' colours on a dark terminal, in order.
// Ten, so that metastable-retries' ten variants do not wrap, and each one
// a colour of the xterm 256-colour cube (exact at 256 colours) chosen so
// that no two fall on the same colour when a 16-colour terminal gets the
// nearest of its 16, and none on the grey of the offered-load line
// (TestPaletteDistinct). The first five follow the Okabe-Ito hues of the
// figures (blue, vermilion, bluish green, reddish purple, yellow; Okabe
// and Ito, "Color Universal Design", 2008), lightened for a black
// background; orange and sky blue do not survive 16 colours (they become
// red and blue), so turquoise, lime, steel blue, magenta and teal follow.
// Past five, colour alone cannot keep variants apart for every reader:
// the status line names each variant next to its swatch.
var variantColors = []string{
	"#5FAFD7", // blue: 256 74, 16 bright blue
	"#D75F00", // vermilion: 166, bright red
	"#00AF87", // bluish green: 36, green
	"#D787D7", // reddish purple: 176, bright magenta
	"#D7D75F", // yellow: 185, bright yellow
	"#5FD7D7", // turquoise: 80, bright cyan
	"#87D75F", // lime: 113, bright green
	"#5F87AF", // steel blue: 67, blue
	"#AF5FAF", // magenta: 133, magenta
	"#00AFAF", // teal: 37, cyan
}

// variantColor returns the colour of the i-th variant (repeating after
// ten).
func variantColor(i int) color.Color {
	if i < 0 {
		i = -i
	}
	return lipgloss.Color(variantColors[i%len(variantColors)])
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
