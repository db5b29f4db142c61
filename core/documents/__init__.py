"""Documents podesk sends out: the purchase order as a PDF."""
from core.documents.pdf import PdfLine, PoDocument, render_po_pdf

__all__ = ["PdfLine", "PoDocument", "render_po_pdf"]
