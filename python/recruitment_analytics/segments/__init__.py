"""Behavioural segments: user feature vectors, K-Means clusters and labels.

The dbt Python models in models/marts/segments call these functions, and the
pytest suite calls them on small synthetic frames.
"""
