"""Model stage: validated objects -> one resolved catalogue with references joined.

Pages, search indexes, QR sheets and exports all read this one catalogue, which is why they cannot disagree.
"""

from .audience import Audience, view
from .catalogue import Catalogue, build_catalogue
from .load import load_catalogue

__all__ = ["Audience", "Catalogue", "build_catalogue", "load_catalogue", "view"]
