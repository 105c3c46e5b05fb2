"""Functions behind the staging layer's dbt Python models."""
