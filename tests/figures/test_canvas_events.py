"""Drawing a figure delivers only the events posted to the figure's own objects: the window's other events (a
worker's report, a timer, input) wait for the event loop — a figure drawn in the middle of an edit must not run
them there (issue 21's monkey seed 15: a report of the model before a degree change was drawn inside the change)."""

from PySide6.QtCore import QCoreApplication, QEvent, QObject

import lossviz as lv
from lossviz.figures.canvas import qt_application
from lossviz.figures.figure import draw_scene


class Recorder(QObject):
    """Counts the user events it is sent."""

    def __init__(self):
        super().__init__()
        self.received = 0

    def event(self, event):
        if event.type() == QEvent.Type.User:
            self.received += 1
            return True
        return super().event(event)


def test_drawing_a_figure_leaves_other_posted_events_for_the_event_loop(tmp_path):
    qt_application()
    recorder = Recorder()
    QCoreApplication.postEvent(recorder, QEvent(QEvent.Type.User))
    figure = draw_scene(lv.preset("binary-2d-blobs").core, (640, 360), steps=5)
    try:
        figure.png_bytes()
        figure.save(tmp_path / "x.svg")
        figure.save(tmp_path / "x.pdf")
    finally:
        figure.close()
    assert recorder.received == 0
    QCoreApplication.sendPostedEvents(recorder, 0)
    assert recorder.received == 1
