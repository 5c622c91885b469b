package plots

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is an output file format.
type Format string

// Formats.
const (
	PNG Format = "png" // raster, at Size.DPI
	SVG Format = "svg" // vector; text needs Liberation Sans or Arial
	PDF Format = "pdf" // vector, fonts embedded
)

// FormatOf returns the format named by path's extension (.png, .svg or
// .pdf, any case).
func FormatOf(path string) (Format, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	switch Format(ext) {
	case PNG, SVG, PDF:
		return Format(ext), nil
	}
	if ext == "" {
		return "", fmt.Errorf("%q has no extension to tell the format: use .png, .svg or .pdf", path)
	}
	return "", fmt.Errorf("unknown image format %q of %q: use .png, .svg or .pdf", "."+ext, path)
}

// Size is the physical size of a figure and the resolution of raster
// output. The zero value is not usable: start from Slide or Paper, or
// ParseSize.
type Size struct {
	// W and H are the width and height.
	W, H vg.Length
	// DPI is the pixels per inch of PNG output (vector formats ignore
	// it). Zero means DefaultDPI.
	DPI int
}

// DefaultDPI is the resolution of PNG output when Size.DPI is zero.
const DefaultDPI = 160

// Slide is a 16:9 slide, 10 x 5.625 in: 1600 x 900 px at 160 dpi.
var Slide = Size{W: 10 * vg.Inch, H: 5.625 * vg.Inch, DPI: 160}

// Paper is a figure across a page's text column, 6.5 x 4 in, at 300 dpi.
var Paper = Size{W: 6.5 * vg.Inch, H: 4 * vg.Inch, DPI: 300}

// Pixels returns the size of PNG output in pixels.
func (s Size) Pixels() (w, h int) {
	dpi := s.dpi()
	return int(float64(s.W/vg.Inch)*float64(dpi) + 0.5), int(float64(s.H/vg.Inch)*float64(dpi) + 0.5)
}

func (s Size) dpi() int {
	if s.DPI <= 0 {
		return DefaultDPI
	}
	return s.DPI
}

// ParseSize parses a size: "slide", "paper", or "WxH" in pixels
// ("1200x800") or with a unit for both numbers ("8x5in", "16x10cm",
// "160x100mm", "576x360pt"). dpi, when not zero, sets the resolution:
// for slide and paper it keeps the physical size (more pixels); for a
// size in pixels it keeps the pixels (a larger dpi gives larger type
// relative to the image).
func ParseSize(spec string, dpi int) (Size, error) {
	if dpi < 0 || dpi > 2400 {
		return Size{}, fmt.Errorf("dpi %d out of range: use 1 to 2400", dpi)
	}
	var s Size
	switch strings.ToLower(strings.TrimSpace(spec)) {
	case "", "slide":
		s = Slide
	case "paper":
		s = Paper
	default:
		spec = strings.ToLower(strings.TrimSpace(spec))
		unit := ""
		for _, u := range []string{"in", "cm", "mm", "pt", "px"} {
			if strings.HasSuffix(spec, u) {
				unit, spec = u, strings.TrimSuffix(spec, u)
				break
			}
		}
		ws, hs, ok := strings.Cut(spec, "x")
		w, err1 := strconv.ParseFloat(strings.TrimSpace(ws), 64)
		h, err2 := strconv.ParseFloat(strings.TrimSpace(hs), 64)
		if !ok || err1 != nil || err2 != nil || !(w > 0) || !(h > 0) || math.IsInf(w, 0) || math.IsInf(h, 0) {
			return Size{}, fmt.Errorf("size %q: want slide, paper, or WxH in pixels (1200x800) or with a unit (8x5in, 16x10cm, 160x100mm, 576x360pt)", spec+unit)
		}
		s.DPI = DefaultDPI
		if dpi > 0 {
			s.DPI = dpi
		}
		var u vg.Length
		switch unit {
		case "", "px":
			u = vg.Inch / vg.Length(s.DPI)
		case "in":
			u = vg.Inch
		case "cm":
			u = vg.Centimeter
		case "mm":
			u = vg.Millimeter
		case "pt":
			u = vg.Points(1)
		}
		s.W, s.H = vg.Length(w)*u, vg.Length(h)*u
	}
	if dpi > 0 {
		s.DPI = dpi
	}
	if s.W < vg.Inch || s.H < vg.Inch*0.75 {
		return Size{}, fmt.Errorf("size %q is too small for a readable figure: at least 1 x 0.75 in (160 x 120 px at 160 dpi)", spec)
	}
	if pw, ph := s.Pixels(); pw*ph > 100_000_000 {
		return Size{}, fmt.Errorf("size %q at %d dpi is %d x %d px: more than 100 megapixels", spec, s.dpi(), pw, ph)
	}
	return s, nil
}

// Render draws f at size s and writes it to w in format. Output is
// deterministic: the same figure and size give the same bytes.
func (f *Figure) Render(w io.Writer, format Format, s Size) error {
	if s.W <= 0 || s.H <= 0 {
		return fmt.Errorf("size %gx%g pt: width and height must be positive", s.W.Points(), s.H.Points())
	}
	switch format {
	case PNG:
		c := vgimg.NewWith(vgimg.UseWH(s.W, s.H), vgimg.UseDPI(s.dpi()))
		f.Draw(draw.New(c))
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	case SVG:
		c := vgsvg.New(s.W, s.H)
		f.Draw(draw.New(c))
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return err
		}
		_, err := w.Write(svgFontFallback(buf.Bytes()))
		return err
	case PDF:
		c := vgpdf.New(s.W, s.H)
		f.Draw(draw.New(pdfText{c}))
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return err
		}
		_, err := w.Write(pdfFixedDates(buf.Bytes()))
		return err
	}
	return fmt.Errorf("unknown format %q: use png, svg or pdf", format)
}

// pdfText adapts text to two limits of vgpdf (gonum/plot v0.17.0 with
// go-pdf/fpdf): fonts are registered without a style but bold faces are
// selected with style "B" ("undefined font: liberationsans-bold B"), and
// all embedded fonts end up sharing the first one's font file; and strings
// are written as bytes of the cp1252 font encoding while Go strings are
// UTF-8 ("·" came out as "Â·"). So in PDF all text is set in the regular
// face (titles stand out by size alone), converted to cp1252.
type pdfText struct{ *vgpdf.Canvas }

func (c pdfText) FillString(f font.Face, pt vg.Point, s string) {
	if f.Font.Weight != xfont.WeightNormal {
		regular := f.Font
		regular.Weight = xfont.WeightNormal
		f = font.DefaultCache.Lookup(regular, regular.Size)
	}
	c.Canvas.FillString(f, pt, toCP1252(s))
}

// toCP1252 encodes s in Windows-1252, with '?' for what it cannot hold.
func toCP1252(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 0x80 {
			b = append(b, byte(r))
			continue
		}
		c, ok := charmap.Windows1252.EncodeRune(r)
		if !ok {
			c = '?'
		}
		b = append(b, c)
	}
	return string(b)
}

// pdfDate matches the document dates go-pdf/fpdf writes into a PDF's
// information dictionary: the wall clock at the time of writing, which
// vgpdf gives no way to set.
var pdfDate = regexp.MustCompile(`/(CreationDate|ModDate) \(D:[0-9]{14}\)`)

// pdfFixedDates replaces the creation and modification dates of a PDF with
// a fixed one (2000-01-01), so that the same figure gives the same bytes.
// The replacement has the same length, so the cross-reference table's
// byte offsets stay right.
func pdfFixedDates(b []byte) []byte {
	return pdfDate.ReplaceAll(b, []byte("/$1 (D:20000101000000)"))
}

// svgFontFallback lets SVG viewers without Liberation fonts use the
// metrically compatible Arial or Helvetica instead of a default serif.
func svgFontFallback(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	return b
}
