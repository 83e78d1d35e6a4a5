"""Package data: CSS, JS and the widget."""
