package plots

import (
	"math"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// theme holds the sizes a figure is drawn with. They follow the canvas, so
// a figure reads at slide size and at paper size alike.
type theme struct {
	base vg.Length // body text size (points)
	line vg.Length // data line width
	hair vg.Length // axis, tick and grid line width
	pad  vg.Length // general spacing
}

// sansFont is the typeface of every text: Liberation Sans is embedded in
// gonum/plot and metrically compatible with Arial and Helvetica, which
// SVG viewers fall back to.
var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

var boldFont = func() font.Font {
	f := sansFont
	f.Weight = xfont.WeightBold
	return f
}()

// themeFor returns the theme for a canvas of w x h points: body text about
// 9 pt on a 6.5 in wide page and 13 pt on a 10 in wide slide.
func themeFor(w, h vg.Length) theme {
	b := math.Min(float64(w)*0.019, float64(h)*0.032)
	b = math.Max(6, math.Min(22, b))
	base := vg.Length(math.Round(b*4) / 4) // quarter points: stable output
	return theme{
		base: base,
		line: base / 8,
		hair: base / 20,
		pad:  base / 2,
	}
}

func (th theme) style(size float64, bold bool) text.Style {
	f := sansFont
	if bold {
		f = boldFont
	}
	return text.Style{
		Color:   textColor,
		Font:    font.From(f, th.base*vg.Length(size)),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// apply styles p's title, axes and ticks for th. Figure functions build
// plots without knowing the output size; Figure.Draw applies the theme.
func (th theme) apply(p *plot.Plot) {
	p.BackgroundColor = nil
	p.Title.TextStyle = th.style(1, true)
	p.Title.TextStyle.XAlign = draw.XCenter
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = th.pad
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle = th.style(0.95, false)
		a.Label.TextStyle.XAlign = draw.XCenter
		a.Label.TextStyle.YAlign = draw.YBottom
		a.Label.Padding = th.pad * 0.6
		// A zero width or length set by a figure function hides the line
		// or the ticks; the theme keeps them hidden.
		if a.LineStyle.Width > 0 {
			a.LineStyle = draw.LineStyle{Color: mutedText, Width: th.hair}
		}
		a.Tick.LineStyle = draw.LineStyle{Color: mutedText, Width: th.hair}
		if a.Tick.Length > 0 {
			a.Tick.Length = th.base * 0.35
		}
		a.Padding = th.base * 0.3
		a.Tick.Label = th.style(0.85, false)
		a.Tick.Label.Color = mutedText
	}
	p.X.Tick.Label.XAlign = draw.XCenter
	p.X.Tick.Label.YAlign = draw.YTop
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Tick.Label.YAlign = draw.YCenter
}
