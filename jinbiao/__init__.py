"""jinbiao: gold-standard entity annotations for Chinese news, and extractors scored against them."""

__version__ = "0.1.0"
