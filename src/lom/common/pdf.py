"""Every PDF LOM produces goes through `html_to_pdf`: a tagged PDF (PDF/UA-1) whose structure
tree follows the HTML's (headings, lists, tables, paragraphs in reading order), with the
document's language from `<html lang>` and its title from `<title>`, shown as the window title
(EN 301 549 chapter 10, WCAG 2.1 AA for documents)."""

# The PDF/UA variant: WeasyPrint tags the content (/StructTreeRoot, /MarkInfo /Marked true),
# sets /Lang from <html lang>, the title in the document info and XMP metadata, and
# /ViewerPreferences /DisplayDocTitle true.
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """The tagged PDF of a complete HTML document (it must carry `<html lang>` and `<title>`)."""
    # WeasyPrint is imported when a PDF is made: it loads fonts and Pango, which the web
    # processes need only for a document.
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None
    return pdf
