"""The matching engine: a plain Python package (it never imports the web framework)."""
from app.engine.models import (
    Brand,
    BrandRef,
    Exemption,
    Field,
    Hit,
    HitKind,
    Listing,
    Lists,
    MatchType,
    Screening,
    Severity,
    SubMark,
    Term,
    Tier,
    Usage,
    Verdict,
)
from app.engine.screener import Engine, Resources

__all__ = [
    "Brand", "BrandRef", "Engine", "Exemption", "Field", "Hit", "HitKind", "Listing", "Lists",
    "MatchType", "Resources", "Screening", "Severity", "SubMark", "Term", "Tier", "Usage", "Verdict",
]
