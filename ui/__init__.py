"""The Gradio reviewer's workbench; added with the UI issue."""
