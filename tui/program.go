package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// Run runs the TUI on the terminal until the user quits (or ctx is
// cancelled).
func Run(ctx context.Context, opts Options) error {
	_, err := tea.NewProgram(New(opts), tea.WithContext(ctx)).Run()
	return err
}
