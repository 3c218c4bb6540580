"""coopkg: the Cooperative Innovation Knowledge Graph."""
__version__ = "0.1.0"
