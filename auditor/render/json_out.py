from __future__ import annotations

import json

from auditor.audit import AuditResult, to_json_dict


def render_json(result: AuditResult) -> str:
    return json.dumps(to_json_dict(result), ensure_ascii=False, indent=2)
