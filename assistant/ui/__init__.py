"""Web UI (Gradio Blocks) in Simplified Chinese, mounted at "/" beside the REST API.

Importing this package turns Gradio analytics off before gradio itself is imported: the
product runs in offices without internet and must not phone home.
"""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GRADIO_TELEMETRY_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
