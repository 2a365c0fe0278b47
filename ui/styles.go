package ui

import (
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
)

// Styles is every style the dashboard uses, in one place. Colours are
// ANSI 256 indexes so they survive SSH and tmux; status is never shown by
// colour alone (✓ ✗ ! ? go with it).
type Styles struct {
	Header    lipgloss.Style
	HeaderDim lipgloss.Style
	Tab       lipgloss.Style
	TabActive lipgloss.Style
	Title     lipgloss.Style
	Section   lipgloss.Style
	Dim       lipgloss.Style
	Bold      lipgloss.Style
	Selected  lipgloss.Style
	Key       lipgloss.Style
	Code      lipgloss.Style
	Error     lipgloss.Style
	Notice    lipgloss.Style
	Dialog    lipgloss.Style
	Gauge     lipgloss.Style
	GaugeOff  lipgloss.Style

	fail, warn, ok, unknown lipgloss.Style
}

// NewStyles builds the styles for a dark or light background.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	accent := c("25", "75")
	dim := c("244", "245")
	return Styles{
		Header:    lipgloss.NewStyle().Bold(true).Foreground(accent),
		HeaderDim: lipgloss.NewStyle().Foreground(dim),
		Tab:       lipgloss.NewStyle().Foreground(dim).Padding(0, 1),
		TabActive: lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1),
		Title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		Section:   lipgloss.NewStyle().Bold(true).Underline(true),
		Dim:       lipgloss.NewStyle().Foreground(dim),
		Bold:      lipgloss.NewStyle().Bold(true),
		Selected:  lipgloss.NewStyle().Reverse(true),
		Key:       lipgloss.NewStyle().Bold(true).Foreground(accent),
		Code:      lipgloss.NewStyle().Foreground(c("94", "180")),
		Error:     lipgloss.NewStyle().Bold(true).Foreground(c("160", "203")),
		Notice:    lipgloss.NewStyle().Foreground(c("28", "114")),
		Dialog:    lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
		Gauge:     lipgloss.NewStyle().Foreground(accent),
		GaugeOff:  lipgloss.NewStyle().Foreground(dim),
		fail:      lipgloss.NewStyle().Bold(true).Foreground(c("160", "203")),
		warn:      lipgloss.NewStyle().Bold(true).Foreground(c("130", "214")),
		ok:        lipgloss.NewStyle().Foreground(c("28", "114")),
		unknown:   lipgloss.NewStyle().Foreground(c("97", "141")),
	}
}

// Status styles a cause's status.
func (s Styles) Status(st diagnose.Status) lipgloss.Style {
	switch st {
	case diagnose.Fail:
		return s.fail
	case diagnose.Warn:
		return s.warn
	case diagnose.Unknown:
		return s.unknown
	}
	return s.ok
}

// Level styles a value against thresholds: 0 ok, 1 warn, 2 fail.
func (s Styles) Level(level int) lipgloss.Style {
	switch level {
	case 2:
		return s.fail
	case 1:
		return s.warn
	}
	return s.ok
}
