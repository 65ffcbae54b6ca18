"""Data protection: retention and anonymisation, rights requests, the access journal's pages."""
