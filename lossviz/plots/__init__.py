"""pyqtgraph items for lossviz's three views (data, loss surface, loss curve), their theme and style; never the window."""
