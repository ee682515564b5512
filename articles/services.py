"""Writes that span several models: importing, publishing, correcting, merging.

Reads belong in articles/querysets.py. Each function here is one transaction.
"""
