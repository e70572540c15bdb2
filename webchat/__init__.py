"""The web chat's pieces: safe HTML rendering, the chat backend and the Gradio layout.

``app.py`` is only the entry point; the UI is assembled here so each module stays
small. Importing this package turns Gradio analytics off before Gradio is imported.
"""

import os

# Gradio reads this at import time; set it before any module imports gradio.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
