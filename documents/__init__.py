"""Office files (.docx, .xlsx, PNG) and working days: plain records in, bytes out, no database."""
