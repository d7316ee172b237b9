package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Where the keyboard is: a ring round the focused button or check box, and a form that
// scrolls the focused field into view.

// focusRingWidth is the ring's stroke, in the theme's units.
const focusRingWidth = 2

// focusRingColor is the ring's colour: near-black on the light theme, the text
// colour on the dark one, which stand out (at least 3:1) against the window's
// background and against a blue (primary) button alike. Fyne marks focus only by
// tinting a widget's background with theme.ColorNameFocus, a light translucent blue
// that vanishes on a blue button and is faint behind a check box. An app theme can
// call this for its own focus colour.
func focusRingColor(th fyne.Theme, v fyne.ThemeVariant) color.Color {
	if v == theme.VariantLight {
		return color.NRGBA{R: 0x1f, G: 0x1f, B: 0x1f, A: 0xff}
	}
	return th.Color(theme.ColorNameForeground, v)
}

// focusRing draws a widget as its own renderer does, with a ring round it while
// focused reports true. With hug, the ring is only as wide as the widget needs (a
// check box stretched across a form row is rung round its box and text, not the row).
type focusRing struct {
	fyne.WidgetRenderer
	ring    *canvas.Rectangle
	focused func() bool
	hug     bool
	objects []fyne.CanvasObject
}

func newFocusRing(inner fyne.WidgetRenderer, focused func() bool, hug bool) *focusRing {
	r := &focusRing{WidgetRenderer: inner, focused: focused, hug: hug,
		ring: &canvas.Rectangle{FillColor: color.Transparent, StrokeWidth: focusRingWidth}}
	r.ring.CornerRadius = theme.InputRadiusSize()
	r.update()
	return r
}

func (r *focusRing) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(0, 0))
	if r.hug {
		size.Width = min(size.Width, r.MinSize().Width)
	}
	r.ring.Resize(size)
}

// Objects draws the ring last, over the widget.
func (r *focusRing) Objects() []fyne.CanvasObject {
	inner := r.WidgetRenderer.Objects()
	if len(r.objects) != len(inner)+1 {
		r.objects = make([]fyne.CanvasObject, len(inner)+1)
	}
	copy(r.objects, inner)
	r.objects[len(inner)] = r.ring
	return r.objects
}

func (r *focusRing) Refresh() {
	r.WidgetRenderer.Refresh()
	r.update()
	r.ring.Refresh()
}

func (r *focusRing) update() {
	th := fyne.CurrentApp().Settings().Theme()
	r.ring.StrokeColor = focusRingColor(th, fyne.CurrentApp().Settings().ThemeVariant())
	if r.focused() {
		r.ring.Show()
	} else {
		r.ring.Hide()
	}
}

// revealFocused scrolls every scroll container that holds o so that o is in view:
// a Tab to a field below the fold brings it up, with what belongs to it (the hint and
// message under it: the largest part of the form round o that takes at most half the
// view). A widget not (yet) on a canvas is left.
func revealFocused(o fyne.CanvasObject) {
	c := fyne.CurrentApp().Driver().CanvasForObject(o)
	if c == nil {
		return
	}
	roots := []fyne.CanvasObject{c.Content()}
	roots = append(roots, c.Overlays().List()...)
	for _, root := range roots {
		path := pathTo(root, o)
		if path == nil {
			continue
		}
		for i := len(path) - 1; i >= 0; i-- { // innermost scroll first
			s, ok := path[i].(*container.Scroll)
			if !ok {
				continue
			}
			target := o
			for _, around := range path[min(i+2, len(path)):] { // below the scroll's content
				if around.Size().Height <= s.Size().Height/2 {
					target = around
					break
				}
			}
			scrollIntoView(s, target)
		}
		return
	}
}

// pathTo returns the objects from root down to o (o excluded), through containers,
// scroll containers and pop-ups; nil when o is not under root.
func pathTo(root, o fyne.CanvasObject) []fyne.CanvasObject {
	if root == o {
		return []fyne.CanvasObject{}
	}
	var children []fyne.CanvasObject
	switch r := root.(type) {
	case *fyne.Container:
		children = r.Objects
	case *container.Scroll:
		children = []fyne.CanvasObject{r.Content}
	case *widget.PopUp:
		children = []fyne.CanvasObject{r.Content}
	}
	for _, child := range children {
		if child == nil {
			continue
		}
		if p := pathTo(child, o); p != nil {
			return append([]fyne.CanvasObject{root}, p...)
		}
	}
	return nil
}

// scrollIntoView scrolls s by as little as makes o, with a padding round it, visible.
func scrollIntoView(s *container.Scroll, o fyne.CanvasObject) {
	drv := fyne.CurrentApp().Driver()
	pad := theme.Padding() * 2
	top := drv.AbsolutePositionForObject(o).Y - drv.AbsolutePositionForObject(s).Y - pad
	bottom := top + o.Size().Height + 2*pad
	offset := s.Offset
	switch {
	case top < 0:
		offset.Y += top
	case bottom > s.Size().Height:
		offset.Y += min(bottom-s.Size().Height, top) // a tall object shows its top
	default:
		return
	}
	offset.Y = max(0, min(offset.Y, s.Content.Size().Height-s.Size().Height))
	s.ScrollToOffset(offset)
}
