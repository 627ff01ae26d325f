"""Knowledge services beside the library: research guides, the FAQ, "Ask a librarian",
Member States on the Record and training sessions, all standing on the live catalogue."""
