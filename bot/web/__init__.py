"""The web side: chat API and page, widget, customer ticket pages, staff dashboard."""
