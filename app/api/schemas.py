"""Request and response models of the HTTP contract (SPEC.md, version 1)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.engine.models import Listing
from app.engine.normalize import NOT_UNICODE, unicode_text


class ScreenRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    id: str | None = Field(None, max_length=256, description="caller's id (SKU); echoed back")
    title: str = Field("", description="listing title")
    bullets: list[str] = Field(default_factory=list, description="bullet points")
    description: str = Field("", description="product description (HTML tags allowed)")
    search_terms: str = Field("", description="backend search keywords")
    brand: str | None = Field(None, max_length=200, description="the seller's own brand: never reported")
    authorized_brands: list[str] = Field(default_factory=list, max_length=200,
                                         description="brands the seller may use: reported as low / authorized")
    category: str | None = Field(None, max_length=500, description="product category, free text")
    marketplace: str | None = Field(None, max_length=20, description="e.g. US, UK, DE, JP")
    explain: bool = Field(False, description="also return `suppressed`: hits found but not reported "
                                             "(the seller's own brand, allowlisted phrases) and what suppressed each")

    @field_validator("id", "title", "bullets", "description", "search_terms", "brand", "authorized_brands",
                     "category", "marketplace")
    @classmethod
    def _unicode(cls, value):
        # JSON's "\\ud800" escape decodes to a lone surrogate: no UTF-8 response can carry it
        if not unicode_text(value):
            raise ValueError(NOT_UNICODE)
        return value

    @model_validator(mode="after")
    def _some_text(self) -> ScreenRequest:
        if not (self.title.strip() or any(b.strip() for b in self.bullets) or self.description.strip()
                or self.search_terms.strip()):
            raise ValueError("at least one of title, bullets, description, search_terms must be non-empty")
        return self

    def check_limits(self, *, max_chars: int, max_bullets: int) -> None:
        """Raise ValueError naming the field when a text field is over the limit."""
        for name in ("title", "description", "search_terms"):
            if len(getattr(self, name)) > max_chars:
                raise LimitError(name, f"{name} is longer than {max_chars} characters")
        if len(self.bullets) > max_bullets:
            raise LimitError("bullets", f"bullets has more than {max_bullets} items")
        for i, b in enumerate(self.bullets):
            if len(b) > max_chars:
                raise LimitError(f"bullets.{i}", f"bullets[{i}] is longer than {max_chars} characters")

    def text_size(self) -> int:
        """Characters of text to screen."""
        return len(self.title) + sum(map(len, self.bullets)) + len(self.description) + len(self.search_terms)

    def to_listing(self) -> Listing:
        return Listing(
            id=self.id, title=self.title, bullets=tuple(self.bullets), description=self.description,
            search_terms=self.search_terms, brand=self.brand, authorized_brands=tuple(self.authorized_brands),
            category=self.category, marketplace=self.marketplace,
        )


class LimitError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class BatchRequest(BaseModel):
    listings: list[Any] = Field(..., description="screen requests; a bad one becomes an error item")


class BrandOut(BaseModel):
    id: str
    name: str
    mark: str


class HitOut(BaseModel):
    kind: Literal["brand", "sensitive", "policy"]
    field: Literal["title", "bullets", "description", "search_terms"]
    index: int | None
    start: int
    end: int
    text: str
    match: str
    brand: BrandOut | None = None
    term: str | None = None
    category: str | None = None
    score: float
    severity: Literal["high", "medium", "low"]
    usage: Literal["compatibility", "authorized"] | None = None
    reason: str
    suggestion: str | None = None
    rule: str | None = None
    evidence: list[str] = []


class ScreenResponse(BaseModel):
    id: str | None
    verdict: Literal["block", "review", "pass"]
    risk_score: int = Field(..., ge=0, le=100)
    hits: list[HitOut]
    list_version: str
    elapsed_ms: float


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorItem(BaseModel):
    id: str | None
    error: ErrorBody


class BatchResponse(BaseModel):
    results: list[ScreenResponse | ErrorItem]


class ListsResponse(BaseModel):
    list_version: str
    brands: int
    marks: int
    terms: int
    policies: int = Field(0, description="listing-policy rules")
