package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/stampede-sim/stampede/scenarios"
)

// Options configure the TUI. The zero value is a gallery with nothing in
// it.
type Options struct {
	// Library lists the scenarios of the gallery, in order.
	Library []Entry
	// Open, when not nil, is a scenario to open in the Run view at start
	// (the file given on the command line); the gallery lists it first.
	Open *scenarios.Scenario
	// FrameEvents bounds the events the engine fires in one frame, over
	// all variants, so that an Update never takes long. Zero means
	// adaptive: the budget starts at DefaultFrameEvents and follows the
	// engine's measured speed so that its work in a frame takes about
	// FrameWork, within [MinFrameEvents, MaxFrameEvents].
	FrameEvents uint64
	// Clock measures the engine's work for the adaptive budget (and only
	// that: results never depend on it). Nil means time.Now.
	Clock func() time.Time
	// Frame is the period of the tick loop. Zero means DefaultFrame.
	Frame time.Duration
	// Dir is the directory Save and Export write to. Empty means the
	// current directory.
	Dir string
}

// The engine's event budget per frame. The default is a few tens of
// milliseconds of work at the models' speed; the adaptive budget aims at
// FrameWork, well under the 100 ms that a user notices as a freeze.
const (
	DefaultFrameEvents = 200_000
	MinFrameEvents     = 10_000
	MaxFrameEvents     = 5_000_000
	FrameWork          = 30 * time.Millisecond
)

// DefaultFrame is the tick period: 20 frames per second.
const DefaultFrame = 50 * time.Millisecond

type screen uint8

const (
	screenGallery screen = iota
	screenRun
)

// tickMsg is one frame of the tick loop. Tag identifies the loop: a tick
// from a loop that has been replaced is dropped, so exactly one loop is
// alive. At is the wall time the tick fired, the only use of the wall
// clock: it says how much virtual time passes in the frame.
type tickMsg struct {
	tag int
	at  time.Time
}

// loadedMsg carries a scenario picked in the gallery, loaded.
type loadedMsg struct {
	name string
	scen *scenarios.Scenario
	err  error
}

// writtenMsg reports a file written by Save or Export.
type writtenMsg struct {
	what, path, warn string
	err              error
}

// Model is the Bubble Tea model of the TUI: the gallery, the Run view and
// the help overlay. Create it with New.
type Model struct {
	opts   Options
	screen screen
	width  int
	height int
	help   bool

	gallery galleryState
	gkeys   galleryKeys
	run     *runState

	tickTag int
	ticking bool
}

// New returns the TUI model. With opts.Open it starts in the Run view.
func New(opts Options) *Model {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Frame <= 0 {
		opts.Frame = DefaultFrame
	}
	m := &Model{opts: opts, gkeys: newGalleryKeys(), width: 80, height: 24}
	if opts.Open != nil {
		s := opts.Open
		m.gallery.entries = append(m.gallery.entries, Entry{
			Name: s.Name, Title: s.Title, About: s.About,
			Load: func() (*scenarios.Scenario, error) { return s, nil },
		})
	}
	m.gallery.entries = append(m.gallery.entries, opts.Library...)
	if opts.Open != nil {
		if err := m.startRun(opts.Open); err != nil {
			m.gallery.err = err.Error()
		}
	}
	return m
}

// Init starts the tick loop when the model opens on a run.
func (m *Model) Init() tea.Cmd {
	return m.ensureTicking()
}

// startRun opens the Run view on s.
func (m *Model) startRun(s *scenarios.Scenario) error {
	r, err := newRunState(s, m.opts)
	if err != nil {
		return err
	}
	m.run = r
	m.screen = screenRun
	m.help = false
	return nil
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case tickMsg:
		if msg.tag != m.tickTag {
			return m, nil // a stale loop
		}
		return m, m.onTick(msg.at)
	case loadedMsg:
		m.gallery.loading = ""
		if msg.err != nil {
			m.gallery.err = fmt.Sprintf("%s: %v", msg.name, msg.err)
			return m, nil
		}
		if err := m.startRun(msg.scen); err != nil {
			m.gallery.err = fmt.Sprintf("%s: %v", msg.name, err)
			return m, nil
		}
		return m, m.ensureTicking()
	case writtenMsg:
		if m.run != nil {
			m.run.onWritten(msg)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	}
	return m, nil
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.help {
		m.help = false
		if msg.String() == "ctrl+c" {
			return tea.Quit
		}
		return nil
	}
	if m.screen == screenGallery {
		return m.galleryKey(msg)
	}
	r := m.run
	k := &r.keys
	if r.wf != nil {
		// The trace overlay: w shows the next trace, any other key closes.
		if key.Matches(msg, k.Trace) {
			r.wf.cur = (r.wf.cur + 1) % len(r.wf.items)
		} else {
			r.wf = nil
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Trace):
		if !r.openWaterfall() {
			r.setNote("no request trace recorded yet: traces are kept when calls end", false)
		}
		return nil
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.help = true
		return nil
	case key.Matches(msg, k.Gallery):
		m.screen = screenGallery
		m.ticking = false
		m.tickTag++ // stop the loop
		return nil
	}
	cmd := r.key(msg)
	return tea.Batch(cmd, m.ensureTicking())
}

// onTick advances the run by one frame and keeps the loop alive while
// there is work.
func (m *Model) onTick(at time.Time) tea.Cmd {
	if m.screen != screenRun || m.run == nil {
		m.ticking = false
		return nil
	}
	m.run.frame(at, m.opts)
	if !m.run.busy() {
		m.ticking = false
		return nil
	}
	return m.tick()
}

// ensureTicking starts a tick loop when the run has work and none is
// alive.
func (m *Model) ensureTicking() tea.Cmd {
	if m.ticking || m.screen != screenRun || m.run == nil || !m.run.busy() {
		return nil
	}
	m.ticking = true
	m.tickTag++
	m.run.lastTick = time.Time{}
	return m.tick()
}

func (m *Model) tick() tea.Cmd {
	tag := m.tickTag
	return tea.Tick(m.opts.Frame, func(t time.Time) tea.Msg { return tickMsg{tag: tag, at: t} })
}

// View renders the screen.
func (m *Model) View() tea.View {
	var s string
	switch {
	case m.help:
		s = m.viewHelp()
	case m.screen == screenRun && m.run != nil && m.run.wf != nil:
		s = m.run.viewWaterfall(m.width, m.height)
	case m.screen == screenRun && m.run != nil:
		s = m.run.view(m.width, m.height)
	default:
		s = m.viewGallery()
	}
	v := tea.NewView(s)
	v.AltScreen = true
	v.WindowTitle = "stampede"
	if m.screen == screenRun && m.run != nil {
		v.WindowTitle = "stampede · " + m.run.title()
	}
	return v
}
