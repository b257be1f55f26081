"""Bulk messages: an administrator writes to a filtered set of people, reviews, then sends."""
