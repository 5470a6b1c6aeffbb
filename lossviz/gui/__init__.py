"""The Qt app: main window, plots, controls and background workers."""

from lossviz.gui.main_window import MainWindow

__all__ = ["MainWindow"]
