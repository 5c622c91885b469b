package plots

import (
	"image/color"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Okabe-Ito colours (Okabe and Ito, "Color Universal Design", 2008;
// Wong, "Points of view: Color blindness", Nature Methods 8, 2011).
var (
	oiBlack     = color.NRGBA{0x00, 0x00, 0x00, 0xff}
	oiOrange    = color.NRGBA{0xE6, 0x9F, 0x00, 0xff}
	oiSkyBlue   = color.NRGBA{0x56, 0xB4, 0xE9, 0xff}
	oiGreen     = color.NRGBA{0x00, 0x9E, 0x73, 0xff}
	oiYellow    = color.NRGBA{0xF0, 0xE4, 0x42, 0xff}
	oiBlue      = color.NRGBA{0x00, 0x72, 0xB2, 0xff}
	oiVermilion = color.NRGBA{0xD5, 0x5E, 0x00, 0xff}
	oiPurple    = color.NRGBA{0xCC, 0x79, 0xA7, 0xff}
)

// variantColors is the order in which variants get their colour: the
// darker, most distinct hues first; yellow last because it is faint on
// white.
var variantColors = []color.NRGBA{oiBlue, oiVermilion, oiGreen, oiPurple, oiOrange, oiSkyBlue, oiBlack, oiYellow}

// VariantColor returns the colour of the i-th variant (0-based). Colours
// repeat after eight variants; a figure with more variants than that is
// unreadable anyway.
func VariantColor(i int) color.Color {
	if i < 0 {
		i = -i
	}
	return variantColors[i%len(variantColors)]
}

// Neutral colours for the frame, grids, shading and text.
var (
	textColor   = color.NRGBA{0x22, 0x22, 0x22, 0xff}
	mutedText   = color.NRGBA{0x55, 0x55, 0x55, 0xff}
	gridColor   = color.NRGBA{0xE3, 0xE3, 0xE3, 0xff}
	faultShade  = color.NRGBA{0x00, 0x00, 0x00, 0x14}
	faultEdge   = color.NRGBA{0x00, 0x00, 0x00, 0x40}
	offeredGrey = color.NRGBA{0x77, 0x77, 0x77, 0xff}
	offeredBand = color.NRGBA{0xDC, 0xE4, 0xEC, 0xff} // blue-grey: not the fault shade
)

// withAlpha returns c with alpha a in [0, 255] (non-premultiplied).
func withAlpha(c color.Color, a uint8) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// dashKind is a line pattern; it distinguishes metrics within a panel,
// while colour distinguishes variants.
type dashKind uint8

const (
	solid dashKind = iota
	dashed
	dotted
	dashDot
	longDash
)

// dashes returns the pattern of k for lines of width w (patterns scale
// with the line so they read the same at every size).
func (k dashKind) dashes(w vg.Length) []vg.Length {
	switch k {
	case dashed:
		return []vg.Length{4 * w, 2.5 * w}
	case dotted:
		return []vg.Length{1 * w, 1.8 * w}
	case dashDot:
		return []vg.Length{5 * w, 2 * w, 1 * w, 2 * w}
	case longDash:
		return []vg.Length{9 * w, 3 * w}
	}
	return nil
}

// variantShapes are the marker shapes of variants, so that points tell
// variants apart even where their colours cannot (overlapping points, a
// grey-scale print).
var variantShapes = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, draw.RingGlyph{},
	draw.CrossGlyph{}, draw.PlusGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{},
}

// variantShape returns the marker shape of the i-th variant.
func variantShape(i int) draw.GlyphDrawer {
	if i < 0 {
		i = -i
	}
	return variantShapes[i%len(variantShapes)]
}
