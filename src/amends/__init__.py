"""Amends: the mistake-recovery desk for police and public-sector social media."""

import warnings

__version__ = "0.1.0"

# twitter-text-parser imports pkg_resources, and setuptools warns about it on every import:
# words for its maintainers, not for people running `amends`.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
