package tui

import (
	"charm.land/bubbles/v2/key"
)

// runKeys are the Run view's key bindings. The help overlay lists them in
// these groups.
type runKeys struct {
	Pause, Faster, Slower                           key.Binding
	Back1, Fwd1, Back10, Fwd10, Start, Live         key.Binding
	Spike, Slowdown, PauseSvc, Outage               key.Binding
	MagUp, MagDown, DurUp, DurDown, Target, Mode    key.Binding
	RateUp, RateDown, TimeoutUp, TimeoutDown, Chart key.Binding
	RetryUp, RetryDown, StratNext, StratToggle      key.Binding
	Trace, Focus, Unfocus, Compact                  key.Binding
	Save, Export, Help, Gallery, Quit               key.Binding
}

func newRunKeys() runKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return runKeys{
		Pause:  b([]string{"space", "p"}, "space", "pause / resume"),
		Faster: b([]string{"+", "=", "."}, "+", "faster: 1x 10x 100x 1000x max"),
		Slower: b([]string{"-", "_", ","}, "-", "slower"),

		Back1:  b([]string{"left", "h"}, "←/→", "time travel, one interval"),
		Fwd1:   b([]string{"right", "l"}, "→", "time travel forward"),
		Back10: b([]string{"shift+left", "H", "pgup"}, "H/L", "time travel, ten intervals"),
		Fwd10:  b([]string{"shift+right", "L", "pgdown"}, "L", "ten forward"),
		Start:  b([]string{"home"}, "home", "to the start of the run"),
		Live:   b([]string{"end"}, "end", "back to live"),

		Spike:    b([]string{"1"}, "1", "inject a load spike now"),
		Slowdown: b([]string{"2"}, "2", "inject a slowdown now"),
		PauseSvc: b([]string{"3"}, "3", "inject a pause now"),
		Outage:   b([]string{"4"}, "4", "inject an outage now"),
		MagDown:  b([]string{"m"}, "m/M", "magnitude down / up"),
		MagUp:    b([]string{"M"}, "M", "magnitude up"),
		DurDown:  b([]string{"d"}, "d/D", "fault duration down / up"),
		DurUp:    b([]string{"D"}, "D", "duration up"),
		Target:   b([]string{"t"}, "t", "next target service"),
		Mode:     b([]string{"b"}, "b", "outage: fail fast / black hole"),

		RateDown:    b([]string{"r"}, "r/R", "arrival rate -20% / +25%"),
		RateUp:      b([]string{"R"}, "R", "rate up"),
		TimeoutDown: b([]string{"o"}, "o/O", "timeouts /2 / x2 (whole run)"),
		TimeoutUp:   b([]string{"O"}, "O", "timeouts up"),
		RetryDown:   b([]string{"a"}, "a/A", "attempts -1 / +1 (whole run)"),
		RetryUp:     b([]string{"A"}, "A", "attempts up"),
		StratNext:   b([]string{"v"}, "v", "choose a strategy to toggle"),
		StratToggle: b([]string{"x"}, "x", "strategy on / off (whole run)"),
		Chart:       b([]string{"c"}, "c", "chart: in flight / queue / attempts"),
		Trace:       b([]string{"w"}, "w", "request traces (waterfall)"),
		Focus:       b([]string{"f"}, "f/F", "focus a variant / all"),
		Unfocus:     b([]string{"F"}, "F", "every variant"),
		Compact:     b([]string{"z"}, "z", "compact: sparklines, no charts"),

		Save:    b([]string{"s"}, "s", "save the session (TOML)"),
		Export:  b([]string{"e"}, "e", "export the charts (PNG)"),
		Help:    b([]string{"?"}, "?", "this help"),
		Gallery: b([]string{"esc", "g"}, "esc", "back to the gallery"),
		Quit:    b([]string{"q", "ctrl+c"}, "q", "quit"),
	}
}

// helpGroups returns the bindings shown in the help overlay, by column.
func (k runKeys) helpGroups() [][]key.Binding {
	return [][]key.Binding{
		{k.Pause, k.Faster, k.Slower, k.Back1, k.Back10, k.Start, k.Live},
		{k.Spike, k.Slowdown, k.PauseSvc, k.Outage, k.MagDown, k.DurDown, k.Target, k.Mode},
		{k.RateDown, k.TimeoutDown, k.RetryDown, k.StratNext, k.StratToggle, k.Chart, k.Focus, k.Compact, k.Trace, k.Save, k.Export, k.Gallery, k.Help, k.Quit},
	}
}

// galleryKeys are the gallery's key bindings.
type galleryKeys struct {
	Up, Down, Open, Help, Quit key.Binding
	// More and Less scroll the chosen scenario's about text.
	More, Less key.Binding
}

func newGalleryKeys() galleryKeys {
	return galleryKeys{
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "choose")),
		Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓", "down")),
		Open: key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "run it")),
		Help: key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit: key.NewBinding(key.WithKeys("q", "ctrl+c", "esc"), key.WithHelp("q", "quit")),
		More: key.NewBinding(key.WithKeys("pgdown", "J"), key.WithHelp("pgdn/J", "scroll the text down")),
		Less: key.NewBinding(key.WithKeys("pgup", "K"), key.WithHelp("pgup/K", "scroll the text up")),
	}
}

// keyBinding is a key binding (for help groups).
type keyBinding = key.Binding
