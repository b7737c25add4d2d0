"""Static preview site of the compiled dashboards (see site.py)."""
