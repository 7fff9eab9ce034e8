"""baoku (报库): a static digital newspaper archive built from raw page dumps."""

__version__ = "0.1.0"
