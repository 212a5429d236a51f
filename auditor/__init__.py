"""auditor: audits and explains Chinese department final-accounts reports (部门决算公开)."""

__version__ = "0.1.0"
