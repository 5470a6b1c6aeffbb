"""Every dialog of the app; the modal questions are in ``common`` (tests replace them)."""
