"""How long the status bar shows a message, in milliseconds, by what kind of message it is."""

BRIEF_MS = 2000  # an acknowledgement of a key or a click ("New points get label 2")
HOVER_MS = 3000  # what the pointer is over (a sample, a θ on the surface)
HINT_MS = 4000  # what just happened ("Saved …", "Exported …")
STATUS_MS = 5000  # a step of work under way or done ("Resampling: 3 of 20 datasets…")
NOTE_MS = 6000  # what to do next ("press Run (Space) to descend from here")
WARNING_MS = 8000  # something was refused or failed, and why
EXPLANATION_MS = 8000  # a longer text to read ("θ*_D of 20 datasets … try a larger N")
ALERT_MS = 15000  # the run stopped by itself (it diverged)
