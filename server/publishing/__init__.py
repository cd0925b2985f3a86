"""Publishing: immutable numbered briefings rendered to PDF, DOCX and HTML, and the library."""
