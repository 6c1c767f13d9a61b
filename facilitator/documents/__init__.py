"""PDF documents (badges, sign-in sheets, certificates, reports) drawn with ReportLab, and QR codes."""
