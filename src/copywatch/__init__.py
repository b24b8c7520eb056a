"""copywatch: find who republishes a newsroom's articles without credit."""

__version__ = "0.1.0"
