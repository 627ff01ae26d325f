"""Why a page or a document could not be digitised: stable codes, clear messages."""

from __future__ import annotations

# code -> what it means; tests and reports refer to the codes
REASONS: dict[str, str] = {
    "empty-file": "the file is empty (zero bytes)",
    "corrupt-image": "the image cannot be decoded",
    "corrupt-pdf": "the PDF cannot be read",
    "password-protected": "the PDF is encrypted with a password",
    "decompression-bomb": "the image is larger than the pixel limit",
    "unsupported-format": "the file is not a TIFF, PNG, JPEG or PDF",
    "unknown-language": "the language of the page cannot be determined",
    "ocr-failed": "tesseract failed on the page",
    "pdfa-failed": "the pages could not be made into a valid PDF/A",
    "page-failed": "a page of the document failed",
    "no-symbol": "no document symbol was found",
    "catalogue": "the record could not be saved",
}


class DigitiseError(Exception):
    """A page or document failure with a stable ``code`` and a message naming the file."""

    def __init__(self, code: str, message: str) -> None:
        if code not in REASONS:
            raise ValueError(f"unknown digitise error code {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
