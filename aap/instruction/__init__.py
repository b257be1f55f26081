"""The instruction of a dossier: its eligibility checklist, requests for information, and internal notes."""
