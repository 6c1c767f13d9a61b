"""PDF documents (badges, sign-in sheets, certificates, reports) drawn with ReportLab, and QR codes."""

# Here rather than beside the fonts in text.py: the services recognise our own files by it without loading
# ReportLab, which the app need not load until it draws a page.
PRODUCT = "Facilitator"  # not user text: the program's name, never translated; every PDF's creator
