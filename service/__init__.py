"""claimtrack's domain and HTTP service."""
