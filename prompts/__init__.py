"""LLM prompt templates (Chinese, versioned); added with the "Ask the report" issue."""
